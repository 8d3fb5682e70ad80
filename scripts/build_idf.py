"""Rebuild src/prepdeck/grading/idf.json from the bundled bank's reference answers.

Run after the bundled bank changes: ``.venv/bin/python scripts/build_idf.py``.
"""

from __future__ import annotations

import json

from prepdeck import read_bank
from prepdeck.grading._text import content_stems, plain_reference
from prepdeck.grading.encoder import MODEL_DIR
from prepdeck.grading.idf import IDF_PATH, IdfTable


def main() -> None:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(MODEL_DIR / "tokenizer.json"))
    refs = [plain_reference(item.answer) for item in read_bank().items]
    tables = {
        "source": "reference answers of prepdeck's bundled bank (scripts/build_idf.py)",
        "wordpieces": IdfTable.build(
            refs, lambda t: tokenizer.encode(t, add_special_tokens=False).tokens
        ).to_dict(),
        "stems": IdfTable.build(refs, content_stems).to_dict(),
    }
    IDF_PATH.write_text(json.dumps(tables, separators=(",", ":")) + "\n", "utf-8")
    print(f"wrote {IDF_PATH} from {len(refs)} reference answers")


if __name__ == "__main__":
    main()
