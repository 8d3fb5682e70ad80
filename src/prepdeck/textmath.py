"""LaTeX math as readable plain text for the terminal: $\\frac{a}{b}$ -> (a)/(b), \\alpha -> α."""

from __future__ import annotations

import re

_SYMBOLS = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "varepsilon": "ε",
    "zeta": "ζ",
    "eta": "η",
    "theta": "θ",
    "lambda": "λ",
    "mu": "μ",
    "nu": "ν",
    "xi": "ξ",
    "pi": "π",
    "rho": "ρ",
    "sigma": "σ",
    "tau": "τ",
    "phi": "φ",
    "varphi": "φ",
    "chi": "χ",
    "psi": "ψ",
    "omega": "ω",
    "Gamma": "Γ",
    "Delta": "Δ",
    "Theta": "Θ",
    "Lambda": "Λ",
    "Sigma": "Σ",
    "Phi": "Φ",
    "Psi": "Ψ",
    "Omega": "Ω",
    "sum": "Σ",
    "prod": "Π",
    "int": "∫",
    "infty": "∞",
    "partial": "∂",
    "nabla": "∇",
    "cdot": "·",
    "times": "×",
    "div": "÷",
    "pm": "±",
    "leq": "≤",
    "le": "≤",
    "geq": "≥",
    "ge": "≥",
    "neq": "≠",
    "ne": "≠",
    "approx": "≈",
    "sim": "~",
    "propto": "∝",
    "in": "∈",
    "notin": "∉",
    "subset": "⊂",
    "cup": "∪",
    "cap": "∩",
    "to": "→",
    "rightarrow": "→",
    "leftarrow": "←",
    "Rightarrow": "⇒",
    "iff": "⇔",
    "mid": "|",
    "ldots": "…",
    "cdots": "⋯",
    "log": "log",
    "exp": "exp",
    "max": "max",
    "min": "min",
    "arg": "arg",
    "quad": " ",
    "qquad": "  ",
    "top": "ᵀ",
    "perp": "⊥",
    "forall": "∀",
    "exists": "∃",
    "neg": "¬",
    "sqrt": "√",
}
_FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_SQRT = re.compile(r"\\sqrt\s*\{([^{}]*)\}")
_WRAP = re.compile(
    r"\\(?:mathrm|mathbf|mathcal|text|operatorname|mathbb|boldsymbol|hat|bar|tilde)\s*\{([^{}]*)\}"
)
_COMMAND = re.compile(r"\\([A-Za-z]+)")
_MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+?)\$", re.DOTALL)


def latex_to_text(expr: str) -> str:
    previous = None
    while previous != expr:  # innermost first, until nothing changes
        previous = expr
        expr = _FRAC.sub(r"(\1)/(\2)", expr)
        expr = _SQRT.sub(r"√(\1)", expr)
        expr = _WRAP.sub(r"\1", expr)
    expr = _COMMAND.sub(lambda m: _SYMBOLS.get(m.group(1), m.group(1)), expr)
    expr = expr.replace("\\left", "").replace("\\right", "").replace("\\,", " ").replace("\\;", " ")
    expr = expr.replace("{", "").replace("}", "").replace("\\", "")
    return " ".join(expr.split())


def math_to_text(markdown: str) -> str:
    """Replace each $...$ and $$...$$ in markdown with readable text (code spans untouched)."""

    def repl(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return "\n\n    " + latex_to_text(m.group(1)) + "\n\n"
        return latex_to_text(m.group(2))

    parts = re.split(r"(```.*?```|`[^`\n]*`)", markdown, flags=re.DOTALL)
    return "".join(p if i % 2 else _MATH.sub(repl, p) for i, p in enumerate(parts))
