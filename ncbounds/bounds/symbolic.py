r"""Sympy derivations of the Gao et al. 2023 bounds, closed-form optima and symmetry facts.

Every function here *derives* its result with sympy (solving, differentiating, substituting);
no formula is typed in as a string. Each returns a :class:`Derivation`: the sympy expression, its
LaTeX, a lambdified numpy function of the named symbols (``args``), named sub-expressions
(``parts``) and the facts that were proved symbolically along the way (``facts``, name → bool).

Spec: ``shared/spec/gao2023.md``. The paper body is unavailable; statements tagged
``[reconstructed]`` (GAO-T4.4, GAO-T4.10) are implemented in their *standard form* with the
uncertain constants as named symbols/parameters (``c_K``, ``u``, ``a``, ``c``, ``kappa``, ``s``);
``[reviewers]`` (GAO-T4.8) follows the reviewers' paraphrase with both prefactor readings;
``[derived]`` items (GAO-F1–F9, closed forms) are our own mathematics and are asserted hard.

=====================================  ==================================================  ==============
function                               what is derived                                     spec IDs
=====================================  ==================================================  ==============
:func:`ce_margin_sandwich`             CE–margin sandwich and its exact inversions          GAO-F1
:func:`margin_bound`                   multi-class margin bound, c_K ∈ {4K, 2K²}, u ∈ {0,1}  GAO-T4.4, D5
:func:`linear_head_margin_bound`       the same with 𝕽 = B_M B_z/√N; (B_M, γ) invariance     GAO-F7
:func:`margin_bound_scaling`           (M, Z) → (cM, cZ): norm-based invariant, fixed 1/c²   GAO-F2, E1
:func:`covering_bound`                 covering-number bound, both prefactors, radius s      GAO-T4.8, F10, F11
:func:`vector_hoeffding`               vector Hoeffding, quoted (d²) and sharp (d) forms     GAO-F9, E4
:func:`hoeffding_alignment_bound`      the alignment-dependent Hoeffding bound               GAO-T4.10
:func:`s1_optimum`                     min-norm separation: (K−1)√n                          GAO-F3
:func:`s2_optimum`                     fixed-ETF-feature SVM: (K−1)²/(2K)                    GAO-F4
:func:`s3_spherical_optimum`           spherical max-min margin: K/(K−1)                     GAO-F5(a)
:func:`s3_orthonormal_optimum`         the same with orthonormal M: √(K/(K−1))               GAO-F5(a)
:func:`s3_frobenius_optimum`           Frobenius max-min margin: 1/((K−1)√n)                 GAO-F5(b)
:func:`etf_alignment_invariance`       exact-ETF γ, ‖M_y−M_y′‖, ε and their permutation      GAO-F8, E5
                                       invariance
=====================================  ==================================================  ==============

:func:`derive` looks a derivation up by name (``DERIVATIONS`` lists them); the CLI's
``ncbounds bound symbolic NAME --latex`` prints ``derive(NAME).latex``.

Example:
  >>> d = linear_head_margin_bound()
  >>> round(float(d.part_funcs["complexity"](c_K=40, B_M=10, B_z=1, gamma=1, N=50000)), 5)
  1.78885
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import sympy as sp

from .._results import Result, jsonable
from ..errors import InputError

__all__ = [
    "Derivation",
    "DERIVATIONS",
    "derive",
    "ce_margin_sandwich",
    "margin_bound",
    "linear_head_margin_bound",
    "margin_bound_scaling",
    "covering_bound",
    "vector_hoeffding",
    "hoeffding_alignment_bound",
    "s1_optimum",
    "s2_optimum",
    "s3_spherical_optimum",
    "s3_orthonormal_optimum",
    "s3_frobenius_optimum",
    "etf_alignment_invariance",
]

# LaTeX spellings of symbols whose Python names must stay identifiers (lambdify arguments).
_LATEX_NAMES = {
    "Rad": r"\mathfrak{R}_N",
    "R_hat": r"\hat R_{S,\gamma}",
    "c_K": "c_K",
    "p_min": r"p_{\min}",
    "B_M": "B_M",
    "B_z": "B_z",
    "L_f": "L_f",
    "Delta": r"\Delta",
    "rho": r"\rho",
    "eps": r"\varepsilon",
    "kappa": r"\kappa",
}


def _latex(expr) -> str:
    names = {}
    for s in expr.free_symbols:
        nm = s.name
        if nm in _LATEX_NAMES:
            names[s] = _LATEX_NAMES[nm]
        elif "_" in nm:  # Ncov_0 -> \mathcal{N}_{0}, gamma_0_1 -> \gamma_{0,1}
            head, *idx = nm.split("_")
            head_tex = {"Ncov": r"\mathcal{N}", "gamma": r"\gamma", "Delta": r"\Delta", "rho": r"\rho",
                        "q": "q", "N": "N"}.get(head, head)
            names[s] = head_tex + "_{" + ",".join(idx) + "}"
    return sp.latex(expr, symbol_names=names)


@dataclass(frozen=True)
class Derivation(Result):
    """One sympy derivation.

    Attributes:
      name: registry name (see :data:`DERIVATIONS`).
      ids: spec IDs it implements.
      tag: provenance, ``"[derived]"``, ``"[reconstructed]"`` or ``"[reviewers]"``.
      statement: the result in words, including which constants are named parameters.
      expr: the main sympy expression.
      latex: ``sympy.latex(expr)`` with readable symbol names.
      args: names of the arguments of ``func`` (symbols of ``expr``), in order.
      func: lambdified numpy function of ``expr``; call ``func(*values)`` or ``d(**named)``.
      parts: named sub-expressions (terms of a bound, intermediate quantities).
      part_funcs: lambdified functions of ``parts``, called with keyword arguments.
      facts: facts proved symbolically during the derivation (name → bool); a ``False`` here is a
        finding, not an error.
      parameters: the uncertain constants and their admissible values (``[reconstructed]``).
      notes: caveats.
    """

    name: str
    ids: tuple
    tag: str
    statement: str
    expr: Any
    latex: str
    args: tuple
    func: Callable
    parts: dict = field(default_factory=dict)
    part_funcs: dict = field(default_factory=dict)
    facts: dict = field(default_factory=dict)
    parameters: dict = field(default_factory=dict)
    notes: str = ""

    def __call__(self, **values):
        """Evaluate ``func`` with keyword arguments named as in :attr:`args`."""
        missing = [a for a in self.args if a not in values]
        if missing:
            raise InputError(f"{self.name}: missing argument(s) {missing}; expected {list(self.args)}",
                             argument=missing[0])
        return self.func(*(values[a] for a in self.args))

    def evalf(self, precision: int = 30, part: str | None = None, **values) -> float:
        """High-precision symbolic evaluation (sympy ``evalf``) at the named values."""
        e = self.expr if part is None else self.parts[part]
        # exact rationals (the binary value of each float): no precision is lost before evalf
        subs = {s: sp.Rational(values[s.name]) if isinstance(values[s.name], (int, float, np.integer, np.floating))
                else values[s.name] for s in e.free_symbols if s.name in values}
        return float(sp.N(e.subs(subs), precision))

    def to_dict(self) -> dict:
        return {
            "name": self.name, "ids": list(self.ids), "tag": self.tag, "statement": self.statement,
            "expr": str(self.expr), "latex": self.latex, "args": list(self.args),
            "parts": {k: {"expr": str(v), "latex": _latex(v)} for k, v in self.parts.items()},
            "facts": jsonable(self.facts), "parameters": jsonable(_desympify(self.parameters)), "notes": self.notes,
        }


def _desympify(x):
    if isinstance(x, sp.Basic):
        return float(x) if x.is_number else str(x)
    if isinstance(x, dict):
        return {k: _desympify(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_desympify(v) for v in x]
    return x


def _sorted_symbols(expr, order: tuple[str, ...] = ()) -> tuple:
    syms = list(expr.free_symbols)
    rank = {n: i for i, n in enumerate(order)}
    syms.sort(key=lambda s: (rank.get(s.name, len(rank)), s.name))
    return tuple(syms)


def _numeric_form(expr):
    """Rewrite for accurate floating point: log(1 + x) → log1p(x), exp(x) − 1 → expm1(x).

    Only the lambdified function uses this form; ``expr``/``latex`` keep the textbook form.
    """
    from sympy.codegen.cfunctions import log1p
    from sympy.codegen.rewriting import expm1_opt, optimize

    def is_log_one_plus(z):
        return isinstance(z, sp.log) and isinstance(z.args[0], sp.Add) and sp.S.One in z.args[0].args

    if isinstance(expr, sp.Tuple):
        return sp.Tuple(*(_numeric_form(a) for a in expr))
    e = expr.replace(is_log_one_plus, lambda z: log1p(z.args[0] - 1))
    return optimize(e, [expm1_opt])


def _lambdify(syms, expr):
    return sp.lambdify(syms, _numeric_form(expr), modules="numpy")


def _make(name, ids, tag, statement, expr, *, parts=None, facts=None, parameters=None, notes="",
          order: tuple[str, ...] = ()) -> Derivation:
    syms = _sorted_symbols(expr, order)
    func = _lambdify(syms, expr)
    parts = dict(parts or {})
    part_funcs = {}
    for k, e in parts.items():
        ps = _sorted_symbols(e, order)
        f = _lambdify(ps, e)
        part_funcs[k] = _kw(f, tuple(s.name for s in ps))
    return Derivation(name=name, ids=tuple(ids), tag=tag, statement=statement, expr=expr, latex=_latex(expr),
                      args=tuple(s.name for s in syms), func=func, parts=parts, part_funcs=part_funcs,
                      facts=dict(facts or {}), parameters=dict(parameters or {}), notes=notes)


def _kw(f, names):
    def call(**values):
        return f(*(values[n] for n in names))
    call.args = names
    return call


def _is_zero(e) -> bool:
    return bool(sp.simplify(e) == 0)


# ------------------------------------------------------------------------------------------------
# GAO-F1: CE–margin sandwich
# ------------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=64)
def ce_margin_sandwich() -> Derivation:
    r"""CE–margin sandwich and exact inversions (gao2023.md GAO-F1, [derived]).

    Derivation: per sample :math:`\ell_i = \log(1 + \sum_{k\ne y_i} e^{-q_{ik}})` is strictly
    decreasing in every off-target margin :math:`q_{ik}` (its partial derivative is negative, checked
    by sympy), and every :math:`q_{ik} \ge p_{\min}`; substituting :math:`q_{ik} = p_{\min}` gives
    :math:`\ell_i \le \log(1 + (K-1)e^{-p_{\min}})`. Keeping only the sample and class attaining the
    minimum gives :math:`N L \ge \log(1 + e^{-p_{\min}})`. Solving the two equalities for
    :math:`p_{\min}` (sympy ``solve``) gives the exact inversions

    .. math:: -\log(e^{NL} - 1) \le p_{\min} \le \log(K-1) - \log(e^{L} - 1).

    ``expr`` is the pair (lower, upper) on L; parts ``loss_lower``, ``loss_upper``, ``p_min_lower``,
    ``p_min_upper``. Fact ``log_form_fails_K2_N1``: the first-order reading
    :math:`\log(1/L) - \log N \le p_{\min}` fails for K = 2, N = 1 at every p (it needs
    :math:`\log(1+x) \ge x`).
    """
    K, N = sp.symbols("K N", positive=True, integer=True)
    p = sp.Symbol("p_min", real=True)
    L = sp.Symbol("L", positive=True)
    # monotonicity of one sample's loss in one margin (K-1 = 3 margins suffice to show the sign)
    q = sp.symbols("q1:4", real=True)
    ell = sp.log(1 + sum(sp.exp(-qi) for qi in q))
    dell = sp.diff(ell, q[0])
    decreasing = bool(dell.is_negative)
    upper = sp.log(1 + (K - 1) * sp.exp(-p))
    # the sample bound at q_k = p for all K-1 margins, derived by substitution
    qs = sp.IndexedBase("q")
    k = sp.Symbol("k", integer=True)
    ell_K = sp.log(1 + sp.Sum(sp.exp(-qs[k]), (k, 1, K - 1)))
    ell_at_p = sp.simplify(ell_K.xreplace({qs[k]: p}).doit())
    upper_ok = _is_zero(ell_at_p - upper)
    lower = sp.log(1 + sp.exp(-p)) / N
    # exact inversions
    p_hi = sp.solve(sp.Eq(L, upper), p)
    p_lo = sp.solve(sp.Eq(N * L, sp.log(1 + sp.exp(-p))), p)
    p_hi = sp.simplify(p_hi[0])
    p_lo = sp.simplify(p_lo[0])
    # the log-form failure at K = 2, N = 1: log(1/L) > p  <=>  x > log(1+x), x = e^{-p} > 0
    x = sp.Symbol("x", positive=True)
    g = x - sp.log(1 + x)
    log_form_fails = bool(g.subs(x, 0) == 0 and sp.simplify(sp.diff(g, x) - x / (1 + x)) == 0)
    expr = sp.Tuple(lower, upper)
    return _make(
        "ce_margin_sandwich", ("GAO-F1",), "[derived]",
        "(1/N) log(1 + e^{-p_min}) <= L <= log(1 + (K-1) e^{-p_min}); inversions "
        "-log(expm1(N L)) <= p_min <= log(K-1) - log(expm1(L)) for L > 0.",
        expr,
        parts={"loss_lower": lower, "loss_upper": upper, "p_min_lower": p_lo, "p_min_upper": p_hi},
        facts={"sample_loss_decreasing_in_margin": decreasing, "upper_is_substitution": upper_ok,
               "log_form_fails_K2_N1": log_form_fails},
        order=("p_min", "L", "N", "K"),
    )


# ------------------------------------------------------------------------------------------------
# GAO-T4.4 and GAO-F7: margin bound
# ------------------------------------------------------------------------------------------------

def _ck_expr(c_K, K):
    if c_K in (None, "symbol"):
        return sp.Symbol("c_K", positive=True)
    if c_K == "4K":
        return 4 * K
    if c_K in ("2K^2", "2K2", "2K**2"):
        return 2 * K ** 2
    raise InputError(f"c_K must be None/'symbol', '4K' or '2K^2', got {c_K!r}", argument="c_K")


@functools.lru_cache(maxsize=64)
def margin_bound(c_K: str | None = None, u: int | None = None) -> Derivation:
    r"""Multi-class margin bound, standard form (gao2023.md GAO-T4.4, GAO-D5, [reconstructed]).

    With probability at least :math:`1-\delta`, for every h and every :math:`\gamma\in(0, r]`:

    .. math:: P[\rho_h \le 0] \le \hat R_{S,\gamma}(h) + \frac{c_K}{\gamma}\mathfrak R_N(\Pi_1(\mathcal F))
              + u\sqrt{\frac{\log\log_2(2r/\gamma)}{N}} + \sqrt{\frac{\log(2^u/\delta)}{2N}}.

    The paper's exact statement is unavailable (reviewers' summary only). Named parameters:
    ``c_K`` — ``None`` keeps the symbol, ``"4K"`` (Kuznetsov–Mohri–Syed 2014; Mohri et al. 2018,
    Thm 9.2) or ``"2K^2"`` (Koltchinskii–Panchenko 2002); ``u`` — ``None`` keeps the symbol, 0 (a
    single fixed γ) or 1 (uniform over γ). Parts: ``empirical``, ``complexity``, ``uniformity``,
    ``confidence``. Fact ``decreasing_in_gamma``: with R̂ = 0 each γ-dependent term has a negative
    γ-derivative on (0, r) (sympy ``is_negative`` under the assumptions γ > 0, r/γ > 1). Outside
    (0, r] the log-log term is undefined: numeric evaluators return N/A there
    (:func:`ncbounds.bounds.margin.margin_bound_terms`). A pairwise-margin refinement may exist in
    the paper; its form is unknown and no formula is given (see the hook in
    :func:`ncbounds.bounds.margin.evaluate_margin_bound`).
    """
    K = sp.Symbol("K", positive=True, integer=True)
    N = sp.Symbol("N", positive=True, integer=True)
    gamma, r, delta, Rad = sp.symbols("gamma r delta Rad", positive=True)
    R_hat = sp.Symbol("R_hat", nonnegative=True)
    uu = sp.Symbol("u", nonnegative=True) if u is None else sp.Integer(int(u))
    if u is not None and int(u) not in (0, 1):
        raise InputError(f"u must be 0 or 1, got {u!r}", argument="u")
    ck = _ck_expr(c_K, K)
    complexity = ck * Rad / gamma
    uniformity = uu * sp.sqrt(sp.log(sp.log(2 * r / gamma, 2)) / N)
    confidence = sp.sqrt(sp.log(2 ** uu / delta) / (2 * N))
    expr = R_hat + complexity + uniformity + confidence
    # monotonicity in gamma on (0, r): substitute r = gamma * t with t > 1
    t = sp.Symbol("t", positive=True)
    d_complex = sp.diff(complexity, gamma)
    # d/dgamma of log(log2(2r/gamma)) = -1/(gamma log(2r/gamma)) < 0 for gamma < r (log(2r/gamma) > log 2)
    inner = sp.log(sp.log(2 * r / gamma, 2))
    d_inner = sp.simplify(sp.diff(inner, gamma))
    d_inner_t = sp.simplify(d_inner.subs(r, gamma * (1 + t)))
    facts = {
        "complexity_decreasing_in_gamma": bool(d_complex.is_negative),
        "loglog_decreasing_in_gamma": bool(d_inner_t.is_negative),
        "confidence_independent_of_gamma": gamma not in confidence.free_symbols,
    }
    facts["decreasing_in_gamma"] = all(facts.values())
    return _make(
        "margin_bound", ("GAO-T4.4", "GAO-D5"), "[reconstructed]",
        "P[rho_h <= 0] <= R_hat + (c_K/gamma) Rad + u sqrt(log log2(2r/gamma)/N) + sqrt(log(2^u/delta)/(2N)), "
        "gamma in (0, r]; c_K in {4K, 2K^2} and u in {0, 1} are named parameters (standard form).",
        expr,
        parts={"empirical": R_hat, "complexity": complexity, "uniformity": uniformity, "confidence": confidence},
        facts=facts,
        parameters={"c_K": ["4K", "2K^2"], "u": [0, 1]},
        notes="Exact statement of Gao et al. Theorem 4.4 unavailable; standard form per the spec.",
        order=("R_hat", "c_K", "K", "Rad", "gamma", "r", "u", "delta", "N"),
    )


@functools.lru_cache(maxsize=64)
def linear_head_margin_bound(c_K: str | None = None, u: int | None = None) -> Derivation:
    r"""GAO-T4.4 instantiated for a norm-bounded linear head (gao2023.md GAO-F7, [derived]).

    For :math:`\mathcal F_B = \{x\mapsto Mz: \|M_k\|\le B_M, \|z\|\le B_z\}`,
    :math:`\mathfrak R_N(\Pi_1(\mathcal F_B)) \le B_M B_z/\sqrt N`; substituting into
    :func:`margin_bound` gives the complexity term :math:`c_K B_M B_z/(\gamma\sqrt N)`.
    Fact ``invariant_BM_gamma``: the term is unchanged under :math:`(B_M,\gamma)\to(cB_M, c\gamma)`
    (sympy ``simplify`` of the difference is 0). Worked value (K = 10, N = 50000,
    B_M B_z/γ = 10, c_K = 4K): 1.78885 — vacuous, as expected.
    """
    base = margin_bound(c_K=c_K, u=u)
    B_M, B_z, c = sp.symbols("B_M B_z c", positive=True)
    N = sp.Symbol("N", positive=True, integer=True)
    Rad = sp.Symbol("Rad", positive=True)
    gamma = sp.Symbol("gamma", positive=True)
    sub = {Rad: B_M * B_z / sp.sqrt(N)}
    expr = base.expr.subs(sub)
    parts = {k: v.subs(sub) for k, v in base.parts.items()}
    cx = parts["complexity"]
    inv = _is_zero(cx.subs({B_M: c * B_M, gamma: c * gamma}, simultaneous=True) - cx)
    K = sp.Symbol("K", positive=True, integer=True)
    ck = sp.Symbol("c_K", positive=True)
    cx_generic = cx if ck in cx.free_symbols else cx
    worked = cx_generic.subs({ck: 4 * K}) if ck in cx_generic.free_symbols else cx_generic
    worked = worked.subs({K: 10, N: 50000, B_M: 10 * gamma, B_z: 1})
    facts = dict(base.facts)
    facts["invariant_BM_gamma"] = inv
    facts["worked_value_1.78885"] = bool(abs(float(sp.N(worked)) - 1.78885) < 5e-6)
    return _make(
        "linear_head_margin_bound", ("GAO-F7", "GAO-T4.4"), "[derived]",
        "Complexity term c_K B_M B_z/(gamma sqrt(N)) for the norm-bounded linear head; invariant under "
        "(B_M, gamma) -> (c B_M, c gamma).",
        expr, parts=parts, facts=facts, parameters=base.parameters,
        notes="Worked value 1.78885 at K=10, N=50000, B_M B_z/gamma=10, c_K=4K (vacuous).",
        order=("R_hat", "c_K", "K", "B_M", "B_z", "gamma", "r", "u", "delta", "N"),
    )


@functools.lru_cache(maxsize=64)
def margin_bound_scaling() -> Derivation:
    r"""Scale behaviour of the margin bound at :math:`\gamma = p_{\min}` (GAO-F2, GAO-T4.4-SCALE, GAO-E1).

    Under :math:`(M, Z) \to (cM, cZ)`, :math:`p_{\min}\to c^2 p_{\min}` (bilinearity, GAO-F2),
    :math:`B_M \to cB_M`, :math:`B_z\to cB_z`. The complexity term at :math:`\gamma = p_{\min}`
    therefore scales by ``ratio_norm_based`` = 1 when 𝕽 = B_M B_z/√N is recomputed from the
    current norms and by ``ratio_fixed`` = :math:`c^{-2}` when 𝕽 is held fixed (the reading under
    which growing p_min "explains" continued test improvement). ``expr`` is the fixed-𝕽 ratio.
    Facts: ``p_min_scales_c2`` (p_min of the scaled logits, derived from the bilinear form),
    ``norm_based_invariant``, ``fixed_scales_inverse_c2``.
    """
    c = sp.Symbol("c", positive=True)
    B_M, B_z, p, Rad, ck = sp.symbols("B_M B_z p_min Rad c_K", positive=True)
    N = sp.Symbol("N", positive=True, integer=True)
    # bilinearity: the margin (M_y - M_k).z of (cM, cZ)
    m_vec = sp.Matrix(sp.symbols("m1:4", real=True))
    z_vec = sp.Matrix(sp.symbols("z1:4", real=True))
    p_c2 = _is_zero(((c * m_vec).T * (c * z_vec))[0] - c ** 2 * (m_vec.T * z_vec)[0])
    norm_term = ck * (B_M * B_z / sp.sqrt(N)) / p
    scaled_norm = norm_term.subs({B_M: c * B_M, B_z: c * B_z, p: c ** 2 * p}, simultaneous=True)
    fixed_term = ck * Rad / p
    scaled_fixed = fixed_term.subs({p: c ** 2 * p})
    ratio_norm = sp.simplify(scaled_norm / norm_term)
    ratio_fixed = sp.simplify(scaled_fixed / fixed_term)
    return _make(
        "margin_bound_scaling", ("GAO-F2", "GAO-T4.4", "GAO-E1"), "[derived]",
        "At gamma = p_min and (M, Z) -> (cM, cZ): norm-based complexity term unchanged, fixed-Rad term "
        "multiplied by 1/c^2.",
        ratio_fixed,
        parts={"ratio_norm_based": ratio_norm, "ratio_fixed": ratio_fixed,
               "complexity_norm_based": norm_term, "complexity_fixed": fixed_term},
        facts={"p_min_scales_c2": p_c2, "norm_based_invariant": bool(ratio_norm == 1),
               "fixed_scales_inverse_c2": _is_zero(ratio_fixed - c ** -2)},
        order=("c",),
    )


# ------------------------------------------------------------------------------------------------
# GAO-T4.8, GAO-F10, GAO-F11: covering-number bound
# ------------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=64)
def covering_bound(K: int = 3, prefactor_mode: str = "reviewer", radius_factor=1) -> Derivation:
    r"""Covering-number bound of Gao et al. Theorem 4.8 (gao2023.md GAO-T4.8, [reviewers]).

    .. math:: P(\mathrm{error}) \le \sum_y \kappa_y\,\mathcal N_y,\qquad
              \mathcal N_y = \max_{y'\ne y}\mathcal N(s\,\varepsilon_{y,y'}, \mathcal M_y),\quad
              \varepsilon_{y,y'} = \frac{\gamma_{y,y'}}{L_f\|M_y - M_{y'}\|}.

    ``prefactor_mode="reviewer"``: :math:`\kappa_y = 1/(2N)` with :math:`N=\sum_y N_y` (the
    reviewers' paraphrase); ``"empty_cell"``: :math:`\kappa_y = q_y/(e N_y)` (GAO-F10).
    ``radius_factor`` s ∈ {1, 1/2} (GAO-F11: two points in one ε-ball may be 2ε apart, so s = 1/2 is
    the safe reading). The per-class covering numbers ``Ncov_y`` are symbols (already maximised over
    y′: since covering numbers are nonincreasing in the radius the max is attained at the smallest
    ε_{y,y′}); part ``radius`` is s·ε. Facts: ``transfer`` (GAO-F11: γ − L_f Δ ε > 0 ⇔ ε < γ/(L_f Δ),
    sympy ``solve_univariate_inequality``); ``empty_cell_le_reviewer_at_sample_priors`` (with
    q_y = N_y/N each empty-cell coefficient 1/(eN) ≤ 1/(2N)).
    """
    K = int(K)
    if K < 2:
        raise InputError(f"K must be >= 2, got {K}", argument="K")
    if prefactor_mode not in ("reviewer", "empty_cell"):
        raise InputError(f"prefactor_mode must be 'reviewer' or 'empty_cell', got {prefactor_mode!r}",
                         argument="prefactor_mode")
    s = sp.nsimplify(radius_factor)
    Ns = sp.symbols(f"N_0:{K}", positive=True)
    qs = sp.symbols(f"q_0:{K}", positive=True)
    Ncov = sp.symbols(f"Ncov_0:{K}", positive=True)
    Ntot = sum(Ns)
    if prefactor_mode == "reviewer":
        expr = sum(Ncov) / (2 * Ntot)
    else:
        expr = sum(qs[y] * Ncov[y] / (sp.E * Ns[y]) for y in range(K))
    gamma, L_f, Delta, eps = sp.symbols("gamma L_f Delta eps", positive=True)
    radius = s * gamma / (L_f * Delta)
    sol = sp.solve_univariate_inequality(gamma - L_f * Delta * eps > 0, eps, relational=False)
    transfer = sol == sp.Interval.Ropen(0, gamma / (L_f * Delta)) or sol == sp.Interval.open(0, gamma / (L_f * Delta)) \
        or sol == sp.Interval.open(-sp.oo, gamma / (L_f * Delta)) or _interval_upper_is(sol, gamma / (L_f * Delta))
    NN = sp.Symbol("N", positive=True)
    cmp = bool(sp.simplify(1 / (2 * NN) - 1 / (sp.E * NN)).is_positive)
    return _make(
        f"covering_bound[{prefactor_mode},s={s}]", ("GAO-T4.8", "GAO-F10", "GAO-F11"), "[reviewers]",
        f"P(error) <= sum_y kappa_y max_y' N(s eps_yy', M_y), kappa_y = "
        f"{'1/(2N)' if prefactor_mode == 'reviewer' else 'q_y/(e N_y)'}, s = {s}.",
        expr,
        parts={"radius": radius},
        facts={"transfer": bool(transfer), "empty_cell_le_reviewer_at_sample_priors": cmp},
        parameters={"prefactor_mode": ["reviewer", "empty_cell"], "radius_factor": [1, sp.Rational(1, 2)]},
        notes="Reviewer paraphrase of Theorem 4.8; prefactor and radius are parameters (GAO-E8).",
        order=tuple(f"Ncov_{y}" for y in range(K)) + tuple(f"N_{y}" for y in range(K)) + tuple(f"q_{y}" for y in range(K)),
    )


def _interval_upper_is(sol, ub) -> bool:
    try:
        return _is_zero(sol.sup - ub) and sol.sup not in sol
    except Exception:  # pragma: no cover - unexpected sympy set type
        return False


# ------------------------------------------------------------------------------------------------
# GAO-F9, GAO-T4.10: Hoeffding
# ------------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=64)
def vector_hoeffding(a: int | None = None) -> Derivation:
    r"""Vector Hoeffding bound (gao2023.md GAO-F9, GAO-E4, [derived]).

    For i.i.d. vectors with coordinates in [−ρ, ρ]:

    .. math:: P(\|\hat\mu - \mu\|_2 \ge \varepsilon) \le 2d\exp\Big(-\frac{n\varepsilon^2}{2 d^a\rho^2}\Big),

    a = 1 (sharp: ‖v‖₂ ≥ ε ⇒ max|v_j| ≥ ε/√d) or a = 2 (the quoted form: ε/d). ``a=None`` keeps
    the symbol. Parts ``sharp`` and ``quoted``. Facts: ``sharp_le_quoted`` for every d ≥ 1 (the
    exponent difference n ε²(d−1)/(2d²ρ²) is nonnegative, shown with d = 1 + t, t ≥ 0) and
    ``equal_at_d1`` (the control of GAO-E4). Worked values (d = 5, n = 200, ρ = 1, ε = 0.5): quoted
    3.679 (vacuous), sharp 0.0674.
    """
    d, n, rho, eps = sp.symbols("d n rho eps", positive=True)
    aa = sp.Symbol("a", positive=True) if a is None else sp.Integer(int(a))
    if a is not None and int(a) not in (1, 2):
        raise InputError(f"a must be 1 or 2, got {a!r}", argument="a")

    def form(e):
        return 2 * d * sp.exp(-n * eps ** 2 / (2 * d ** e * rho ** 2))

    sharp, quoted = form(1), form(2)
    diff_exp = sp.simplify(sp.log(quoted / sharp))  # = n eps^2 (d-1)/(2 d^2 rho^2)
    diff_exp = sp.expand_log(diff_exp, force=True)
    t = sp.Symbol("t", nonnegative=True)
    nonneg = sp.simplify(diff_exp.subs(d, 1 + t)).is_nonnegative
    equal_d1 = _is_zero((quoted - sharp).subs(d, 1))
    return _make(
        "vector_hoeffding" if a is None else f"vector_hoeffding[a={a}]", ("GAO-F9", "GAO-E4", "GAO-T4.10"),
        "[derived]",
        "P(||mu_hat - mu|| >= eps) <= 2d exp(-n eps^2/(2 d^a rho^2)), a = 1 sharp, a = 2 quoted.",
        form(aa),
        parts={"sharp": sharp, "quoted": quoted, "log_ratio_quoted_over_sharp": diff_exp},
        facts={"sharp_le_quoted": bool(nonneg), "equal_at_d1": equal_d1},
        parameters={"a": [1, 2]},
        order=("d", "n", "rho", "eps", "a"),
    )


@functools.lru_cache(maxsize=64)
def hoeffding_alignment_bound(K: int = 3, a=2, agg: str = "sum", c=None) -> Derivation:
    r"""Alignment-dependent Hoeffding bound of Theorem 4.10, standard form (GAO-T4.10, [reconstructed]).

    .. math:: B(\pi) = c\sum_y q_y\,\mathrm{AGG}_{y'\ne y}\,2d\exp\Big(-\frac{N_y\gamma_{y,y'}^2}
              {2d^a\rho_y^2\|M_y - M_{y'}\|^2}\Big)

    for an explicit K (symbols ``gamma_y_y'``, ``Delta_y_y'`` are the vertex quantities already
    relabelled by π; ``N_y``, ``rho_y``, ``q_y`` stay with class y). Parameters: ``a`` ∈ {1, 2}
    (``None`` = symbol), ``agg`` ∈ {"sum", "max"}, ``c`` (``None`` = symbol, default numeric 1 in
    the evaluators). Always a *heuristic* unless the features come from a held-out sample (GAO-E3).
    """
    K = int(K)
    if agg not in ("sum", "max"):
        raise InputError(f"agg must be 'sum' or 'max', got {agg!r}", argument="agg")
    d = sp.Symbol("d", positive=True)
    aa = sp.Symbol("a", positive=True) if a is None else sp.Integer(int(a))
    cc = sp.Symbol("c", positive=True) if c is None else sp.nsimplify(c)
    Ns = sp.symbols(f"N_0:{K}", positive=True)
    qs = sp.symbols(f"q_0:{K}", positive=True)
    rhos = sp.symbols(f"rho_0:{K}", positive=True)
    G = {(i, j): sp.Symbol(f"gamma_{i}_{j}", positive=True) for i in range(K) for j in range(K) if i != j}
    D = {(i, j): sp.Symbol(f"Delta_{i}_{j}", positive=True) for i in range(K) for j in range(K) if i != j}
    total = 0
    for y in range(K):
        terms = [2 * d * sp.exp(-Ns[y] * G[y, j] ** 2 / (2 * d ** aa * rhos[y] ** 2 * D[y, j] ** 2))
                 for j in range(K) if j != y]
        total += qs[y] * (sp.Add(*terms) if agg == "sum" else sp.Max(*terms))
    expr = cc * total
    order = ("c", "d", "a") + tuple(f"N_{y}" for y in range(K)) + tuple(f"q_{y}" for y in range(K)) + \
        tuple(f"rho_{y}" for y in range(K)) + tuple(f"gamma_{i}_{j}" for i in range(K) for j in range(K) if i != j) + \
        tuple(f"Delta_{i}_{j}" for i in range(K) for j in range(K) if i != j)
    return _make(
        f"hoeffding_alignment_bound[K={K},a={a},agg={agg}]", ("GAO-T4.10", "GAO-R4.9"), "[reconstructed]",
        "B(pi) = c sum_y q_y AGG_{y' != y} 2d exp(-N_y gamma_{y,y'}^2 / (2 d^a rho_y^2 ||M_y - M_y'||^2)); heuristic.",
        expr, parameters={"a": [1, 2], "agg": ["sum", "max"], "c": "default 1"},
        notes="Standard form; the paper's statement is unavailable. Label: heuristic (GAO-E3).",
        order=order,
    )


# ------------------------------------------------------------------------------------------------
# Closed-form optima of the ETF problems from their symmetric reductions (GAO-F3..F5)
# ------------------------------------------------------------------------------------------------

def _KN():
    return sp.Symbol("K", positive=True, integer=True), sp.Symbol("n", positive=True, integer=True)


@functools.lru_cache(maxsize=64)
def s1_optimum() -> Derivation:
    r"""Optimum of S1, UFM minimum-norm separation, balanced (gao2023.md GAO-F3, [derived]).

    Symmetric reduction (the problem is convex in the Gram matrix and invariant under relabelling
    and rotations, so averaging over the symmetry group gives a symmetric optimum): M = aE,
    z_i = b e_{y_i} with E the unit simplex ETF. The margin is abK/(K−1) ≥ 1 (active at the optimum,
    since the objective increases in a and b), the objective ½Ka² + ½Knb². Eliminating b and
    solving d/da = 0 (sympy) gives a² = √n(K−1)/K and the optimum **(K−1)√n**, with
    ‖M‖_F² = ‖Z‖_F² = √n(K−1). Part ``a_squared``, ``M_fro_sq``; fact ``second_order`` (f″ > 0).
    """
    K, n = _KN()
    a, b = sp.symbols("a b", positive=True)
    b_of_a = sp.solve(sp.Eq(a * b * K / (K - 1), 1), b)[0]
    f = (K * a ** 2 / 2 + K * n * b ** 2 / 2).subs(b, b_of_a)
    crit = [s for s in sp.solve(sp.diff(f, a), a) if s.is_positive is not False]
    a_star = crit[0]
    opt = sp.simplify(f.subs(a, a_star))
    second = sp.simplify(sp.diff(f, a, 2).subs(a, a_star))
    return _make(
        "s1_optimum", ("GAO-F3",), "[derived]",
        "min 1/2||M||_F^2 + 1/2||Z||_F^2 s.t. margins >= 1, balanced: (K-1) sqrt(n).",
        opt, parts={"a_squared": sp.simplify(a_star ** 2), "M_fro_sq": sp.simplify(K * a_star ** 2)},
        facts={"equals_(K-1)sqrt(n)": _is_zero(opt - (K - 1) * sp.sqrt(n)), "second_order": bool(second.is_positive)},
        order=("K", "n"),
    )


@functools.lru_cache(maxsize=64)
def s2_optimum() -> Derivation:
    r"""Optimum of S2, fixed-feature Crammer–Singer SVM with z_i = e_{y_i} (gao2023.md GAO-F4, [derived]).

    Reduction M = aE: margin aK/(K−1) ≥ 1, objective ½Ka², increasing in a > 0, so the constraint is
    active: a* = (K−1)/K (sympy ``solve``), M* = ((K−1)/K)E and optimum **(K−1)²/(2K)**
    (K = 3: 0.666667; 4: 1.125; 6: 2.083333). The orthonormal-feature variant (z_i = u_{y_i},
    M = αI − β(11ᵀ − I), margin α + β, objective ½K(α² + (K−1)β²), Lagrange) gives (K−1)/2
    (part ``orthonormal_features``).
    """
    K, _ = _KN()
    a = sp.Symbol("a", positive=True)
    a_star = sp.solve(sp.Eq(a * K / (K - 1), 1), a)[0]
    opt = sp.simplify(K * a_star ** 2 / 2)
    al, be, lam = sp.symbols("alpha beta lambda", real=True)
    Lg = K * (al ** 2 + (K - 1) * be ** 2) / 2 - lam * (al + be - 1)
    sol = sp.solve([sp.diff(Lg, al), sp.diff(Lg, be), al + be - 1], [al, be, lam], dict=True)[0]
    ortho = sp.simplify((K * (al ** 2 + (K - 1) * be ** 2) / 2).subs(sol))
    return _make(
        "s2_optimum", ("GAO-F4",), "[derived]",
        "min 1/2||M||_F^2 s.t. (M_y - M_k).e_y >= 1: M* = ((K-1)/K) E, optimum (K-1)^2/(2K).",
        opt, parts={"a_star": a_star, "orthonormal_features": ortho},
        facts={"equals_(K-1)^2/(2K)": _is_zero(opt - (K - 1) ** 2 / (2 * K)),
               "orthonormal_equals_(K-1)/2": _is_zero(ortho - (K - 1) / 2)},
        order=("K",),
    )


@functools.lru_cache(maxsize=64)
def s3_spherical_optimum() -> Derivation:
    r"""Spherical max-min margin, one feature per class (gao2023.md GAO-F5(a), [derived]).

    Reduction M = aE, h = bE with a, b ≤ 1: t = abK/(K−1), increasing in a and b (positive partial
    derivatives), so a = b = 1 and **t* = K/(K−1)** (K = 3: 1.5; 4: 1.333333; 7: 1.166667).
    """
    K, _ = _KN()
    a, b = sp.symbols("a b", positive=True)
    t = a * b * K / (K - 1)
    Kg = sp.Symbol("K", positive=True)
    inc = bool(sp.diff(t, a).subs(K, Kg + 1).is_positive and sp.diff(t, b).subs(K, Kg + 1).is_positive)
    opt = sp.simplify(t.subs({a: 1, b: 1}))
    return _make("s3_spherical_optimum", ("GAO-F5",), "[derived]",
                 "max t s.t. ||M_k|| <= 1, ||h_k|| <= 1, (M_k - M_j).h_k >= t: t* = K/(K-1).",
                 opt, facts={"increasing_in_norms": inc, "equals_K/(K-1)": _is_zero(opt - K / (K - 1))}, order=("K",))


@functools.lru_cache(maxsize=64)
def s3_orthonormal_optimum() -> Derivation:
    r"""Spherical max-min margin with M held at orthonormal rows (GAO-F5(a) control value, [derived]).

    Reduction h_k = α u_k − β Σ_{j≠k} u_j: margin α + β, constraint α² + (K−1)β² = 1; Lagrange
    (sympy) gives **t* = √(K/(K−1))**.
    """
    K, _ = _KN()
    al, be = sp.symbols("alpha beta", positive=True)
    lam = sp.Symbol("lambda", real=True)
    Lg = al + be - lam * (al ** 2 + (K - 1) * be ** 2 - 1)
    sols = sp.solve([sp.diff(Lg, al), sp.diff(Lg, be), al ** 2 + (K - 1) * be ** 2 - 1], [al, be, lam], dict=True)
    vals = [sp.simplify((al + be).subs(s)) for s in sols]
    opt = vals[0]
    return _make("s3_orthonormal_optimum", ("GAO-F5",), "[derived]",
                 "max t with M orthonormal rows: t* = sqrt(K/(K-1)).",
                 opt, facts={"equals_sqrt(K/(K-1))": _is_zero(opt - sp.sqrt(K / (K - 1)))}, order=("K",))


@functools.lru_cache(maxsize=64)
def s3_frobenius_optimum() -> Derivation:
    r"""Frobenius max-min margin, balanced (gao2023.md GAO-F5(b), [derived]).

    Reduction M = aE, z_i = b e_{y_i}: ‖M‖_F² = Ka² ≤ 1, ‖Z‖_F² = Knb² ≤ 1, t = abK/(K−1) increasing
    in a and b: **t* = 1/((K−1)√n)**, the reciprocal of the S1 optimum (fact ``reciprocal_of_S1``).
    """
    K, n = _KN()
    a, b = sp.symbols("a b", positive=True)
    a_s = sp.solve(sp.Eq(K * a ** 2, 1), a)[0]
    b_s = sp.solve(sp.Eq(K * n * b ** 2, 1), b)[0]
    opt = sp.simplify(a_s * b_s * K / (K - 1))
    s1 = s1_optimum().expr
    return _make("s3_frobenius_optimum", ("GAO-F5", "GAO-F3"), "[derived]",
                 "max t s.t. ||M||_F <= 1, ||Z||_F <= 1, margins >= t: t* = 1/((K-1) sqrt(n)).",
                 opt, facts={"equals_1/((K-1)sqrt(n))": _is_zero(opt - 1 / ((K - 1) * sp.sqrt(n))),
                             "reciprocal_of_S1": _is_zero(opt * s1 - 1)}, order=("K", "n"))


# ------------------------------------------------------------------------------------------------
# GAO-F8: exact-ETF alignment invariance
# ------------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=64)
def etf_alignment_invariance(K_check: int = 5) -> Derivation:
    r"""Pairwise quantities of an exact ETF and their permutation invariance (GAO-F8, GAO-E5, [derived]).

    With M = aE (unit simplex ETF, Gram G = (K/(K−1))I − 11ᵀ/(K−1)) and class means h_y = b e_y,
    for every ordered pair y ≠ y′ (sympy, symbolic K):

    .. math:: \gamma_{y,y'} = ab\,(G_{yy} - G_{y'y}) = \frac{abK}{K-1},\qquad
              \|M_y - M_{y'}\| = a\sqrt{G_{yy}+G_{y'y'}-2G_{yy'}} = a\sqrt{\tfrac{2K}{K-1}},\qquad
              \varepsilon_{y,y'} = \frac{b}{L_f}\sqrt{\tfrac{K}{2(K-1)}}.

    None depends on the pair, and PGPᵀ = G for every permutation P (shown symbolically: P I Pᵀ = I
    and P 11ᵀ Pᵀ = 11ᵀ; checked exactly with rational arithmetic on all K_check! permutations), so
    relabelling (and rotating, which leaves G unchanged) cannot change any bound built from these,
    K and a shared L_f. ``expr`` is γ; parts ``gamma``, ``distance``, ``eps``. K = 5, a = 2,
    b = 0.7: γ = 1.75, ‖M_y − M_y′‖ = 3.16228.
    """
    K = sp.Symbol("K", positive=True)
    a, b, L_f = sp.symbols("a b L_f", positive=True)
    G_same = sp.Integer(1)
    G_diff = -1 / (K - 1)
    gamma = sp.simplify(a * b * (G_same - G_diff))
    dist = sp.sqrt(sp.simplify(a ** 2 * (2 * G_same - 2 * G_diff)))
    eps = sp.simplify(gamma / (L_f * dist))
    # exact check with rationals for a concrete K
    Kc = int(K_check)
    Gc = sp.Matrix(Kc, Kc, lambda i, j: sp.Integer(1) if i == j else sp.Rational(-1, Kc - 1))
    invariant_all = True
    for perm in itertools.permutations(range(Kc)):
        P = sp.zeros(Kc, Kc)
        for i, pi in enumerate(perm):
            P[i, pi] = 1
        if P * Gc * P.T != Gc:
            invariant_all = False
            break
    # symbolic argument for general K: P I P^T = I and P J P^T = J for the matrix J = 11^T
    return _make(
        "etf_alignment_invariance", ("GAO-F8", "GAO-E5", "GAO-R4.9"), "[derived]",
        "Exact ETF: gamma_{y,y'} = abK/(K-1), ||M_y - M_y'|| = a sqrt(2K/(K-1)), eps = (b/L_f) sqrt(K/(2(K-1))) "
        "for every pair; every permutation leaves the Gram matrix unchanged.",
        gamma, parts={"gamma": gamma, "distance": dist, "eps": eps},
        facts={"gamma_formula": _is_zero(gamma - a * b * K / (K - 1)),
               "distance_formula": _is_zero(dist ** 2 - 2 * a ** 2 * K / (K - 1)),
               "eps_formula": _is_zero(eps ** 2 - b ** 2 * K / (2 * (K - 1)) / L_f ** 2),
               f"gram_invariant_all_perms_K{Kc}": invariant_all},
        order=("a", "b", "K", "L_f"),
    )


DERIVATIONS: dict[str, Callable[..., Derivation]] = {
    "ce_margin_sandwich": ce_margin_sandwich,
    "margin_bound": margin_bound,
    "linear_head_margin_bound": linear_head_margin_bound,
    "margin_bound_scaling": margin_bound_scaling,
    "covering_bound": covering_bound,
    "vector_hoeffding": vector_hoeffding,
    "hoeffding_alignment_bound": hoeffding_alignment_bound,
    "s1_optimum": s1_optimum,
    "s2_optimum": s2_optimum,
    "s3_spherical_optimum": s3_spherical_optimum,
    "s3_orthonormal_optimum": s3_orthonormal_optimum,
    "s3_frobenius_optimum": s3_frobenius_optimum,
    "etf_alignment_invariance": etf_alignment_invariance,
}


def derive(name: str, **options) -> Derivation:
    """Run the derivation registered under ``name`` (see :data:`DERIVATIONS`) with its options."""
    try:
        fn = DERIVATIONS[name]
    except KeyError:
        raise InputError(f"unknown derivation {name!r}; choose one of {sorted(DERIVATIONS)}", argument="name") from None
    return fn(**options)
