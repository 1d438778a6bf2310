"""Self-contained French HTML report (inline CSS and SVG: it opens from a file, offline)."""

from __future__ import annotations

import html
from typing import Any

from evals.metrics import CONTEXT_BUDGETS
from evals.runner import SPLITS, CaseResult, Summary
from evals.schema import CATEGORY_LABELS

METRIC_LABELS = {
    "fact_accuracy": "Exactitude des faits",
    "recall@5": "Rappel des passages (top 5)",
    "abstention_recall": "Abstention quand il faut",
    "abstention_precision": "Abstentions justifiées",
    "citation_precision": "Citations pertinentes",
    "quote_fidelity": "Citations mot pour mot",
    "mrr": "Rang moyen réciproque (MRR)",
    "ndcg@10": "nDCG@10",
    "pass_rate": "Cas réussis",
    "answerable_correct": "Questions à réponse : faits trouvés",
    "out_of_corpus_abstained": "Hors documents : abstention",
    "outcome_answer": "Issue : réponse directe",
    "outcome_closest": "Issue : passages les plus proches",
    "outcome_none": "Issue : je ne sais pas",
    "direct_precision": "Réponses directes exactes",
    "wrong_as_fact": "Réponses fausses données comme des faits",
    "out_of_corpus_direct": "Hors documents : réponse directe donnée",
    "found": "Réponse, ou passage qui la porte, montré",
}
SPLIT_KEYS = ("fact_accuracy", "answerable_correct", "recall@5", "abstention_recall", "abstention_precision",
              "out_of_corpus_abstained", "pass_rate")
BASELINE_KEYS = {"fact_accuracy", "answerable_correct", "recall@5", "abstention_recall", "out_of_corpus_abstained"}
LOWER_IS_BETTER = {"latency_p50_ms", "latency_p95_ms", "wrong_as_fact", "out_of_corpus_direct"}
OTHER_LABELS = {"latency_p95_ms": "Latence p95 (ms)", "latency_p50_ms": "Latence médiane (ms)"}
_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1b1b1b;background:#f6f6f6}
header{background:#000091;color:#fff;padding:1.2rem 2rem}header h1{margin:0;font-size:1.5rem}
main{max-width:1100px;margin:0 auto;padding:1rem 2rem 3rem}section{background:#fff;border-radius:8px;padding:1rem 1.5rem;margin:1rem 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.cards{display:flex;flex-wrap:wrap;gap:.8rem}.card{flex:1 1 180px;background:#fff;border-radius:8px;padding:.8rem 1rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.card .v{font-size:1.8rem;font-weight:700}.card .l{color:#555;font-size:.9rem}.good{color:#18753c}.bad{color:#ce0500}
table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
th{background:#eee}details{margin:.5rem 0;border:1px solid #ddd;border-radius:6px;padding:.5rem .8rem}summary{cursor:pointer;font-weight:600}
blockquote{margin:.3rem 0 .3rem 1rem;color:#444;border-left:3px solid #000091;padding-left:.6rem}.muted{color:#666;font-size:.85rem}
code{background:#eee;padding:0 .2rem;border-radius:3px}
"""


def _pct(value: float) -> str:
    return french_percent(value, 0)


def french_percent(value: float, decimals: int = 1) -> str:
    """0.939 → « 93,9 % » (decimal comma, narrow no-break space before %), as French readers write it."""
    return f"{value * 100:.{decimals}f}".replace(".", ",") + "\u202f%"


CONFIG_LABELS = {
    "embedding": "Modèle de vecteurs (embeddings)", "embed_with_context": "Titre et section ajoutés au passage vectorisé",
    "chunk_size": "Taille des passages (caractères)", "chunk_overlap": "Chevauchement des passages (caractères)",
    "retrieval_k": "Passages retrouvés par question", "dense_weight": "Poids de la recherche par vecteurs",
    "keyword_weight": "Poids de la recherche par mots-clés", "abstain_min_coverage": "Abstention : couverture minimale des mots de la question",
    "abstain_min_similarity": "Abstention : similarité minimale (français)",
    "abstain_min_similarity_en": "Abstention : similarité minimale (anglais)", "generator": "Générateur des réponses",
}


def _config_value(value: Any) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def bars_svg(values: dict[str, float]) -> str:
    """Horizontal bars for scores between 0 and 1."""
    height = 28 * len(values) + 10
    rows = []
    for i, (label, value) in enumerate(values.items()):
        y = 10 + 28 * i
        width = max(0.0, min(1.0, value)) * 420
        rows.append(
            f'<text x="0" y="{y + 15}" font-size="13">{html.escape(label)}</text>'
            f'<rect x="260" y="{y}" width="420" height="20" fill="#eee"/>'
            f'<rect x="260" y="{y}" width="{width:.1f}" height="20" fill="#000091"/>'
            f'<text x="{265 + width:.1f}" y="{y + 15}" font-size="12">{_pct(value)}</text>'
        )
    return f'<svg role="img" aria-label="Scores" width="740" height="{height}">{"".join(rows)}</svg>'


def _histogram(latencies: list[float], bins: int = 12) -> str:
    if not latencies:
        return ""
    top = max(latencies) or 1.0
    counts = [0] * bins
    for v in latencies:
        counts[min(bins - 1, int(v / top * bins))] += 1
    peak = max(counts)
    bars = []
    for i, c in enumerate(counts):
        h = 150 * c / peak
        bars.append(f'<rect x="{40 + i * 50}" y="{170 - h:.1f}" width="44" height="{h:.1f}" fill="#6a6af4"/>'
                    f'<text x="{40 + i * 50}" y="186" font-size="10">{top * i / bins:.0f}</text>'
                    f'<text x="{52 + i * 50}" y="{165 - h:.1f}" font-size="10">{c or ""}</text>')
    return (f'<svg role="img" aria-label="Latences" width="660" height="200">{"".join(bars)}'
            f'<text x="40" y="199" font-size="11">latence (ms), début de chaque classe</text></svg>')


def trend_svg(history: list[dict[str, Any]]) -> str:
    keys = [("fact_accuracy", "#000091"), ("recall@5", "#18753c"), ("abstention_recall", "#ce0500")]
    if len(history) < 2:
        return "<p class='muted'>La courbe d'évolution apparaît à partir de deux évaluations.</p>"
    width, height = 660, 200
    step = (width - 60) / (len(history) - 1)
    lines = []
    for key, colour in keys:
        points = " ".join(
            f"{40 + i * step:.1f},{170 - 150 * float(run['metrics'].get(key, 0)):.1f}" for i, run in enumerate(history)
        )
        lines.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
    legend = "".join(
        f'<text x="{40 + i * 200}" y="196" font-size="12" fill="{c}">{METRIC_LABELS[k]}</text>' for i, (k, c) in enumerate(keys)
    )
    return (f'<svg role="img" aria-label="Évolution" width="{width}" height="{height}">'
            f'<line x1="40" y1="170" x2="{width - 20}" y2="170" stroke="#999"/><text x="0" y="24" font-size="10">100 %</text>'
            f'<text x="8" y="172" font-size="10">0 %</text>{"".join(lines)}{legend}</svg>')


def _baseline_line(r: CaseResult) -> str:
    if not r.baseline or r.must_abstain:
        return ""
    verdict = "trouve les faits" if r.baseline.get("correct") else "ne les trouve pas"
    return f"<p class='muted'>Référence naïve LangChain : son premier passage {verdict}.</p>"


def _case_block(r: CaseResult) -> str:
    expected = ", ".join(" / ".join(v) for v in r.expected_facts) or ("abstention attendue" if r.must_abstain else "—")
    citations = "".join(
        f"<blockquote>[{c.n}] {html.escape(' '.join(c.quote.split()))}<br><span class='muted'>{html.escape(c.title)}"
        f"{', p. ' + str(c.page) if c.page else ''} — {html.escape(c.section or '')}</span></blockquote>"
        for c in r.citations
    )
    history = "".join(f"<p class='muted'>Avant : « {html.escape(h)} »</p>" for h in r.history)
    return (
        f"<details open><summary>{html.escape(r.id)} ({html.escape(r.split)}) — "
        f"{html.escape(CATEGORY_LABELS.get(r.category, r.category))} — "
        f"<span class='bad'>{html.escape(r.failure or '')}</span></summary>{history}"
        f"<p><b>Question :</b> {html.escape(r.question)}</p><p><b>Attendu :</b> {html.escape(expected)}</p>"
        f"<p><b>Réponse :</b> {html.escape(r.answer)}</p>{citations}{_baseline_line(r)}</details>"
    )


def _comparison(comparison: dict[str, Any] | None) -> str:
    if not comparison:
        return ""
    rows = "".join(
        f"<tr><td>{html.escape(METRIC_LABELS.get(k) or OTHER_LABELS.get(k, k))}</td><td>{d['before']:.3f}</td><td>{d['after']:.3f}</td>"
        f"<td class='{'good' if (d['delta'] <= 0 if k in LOWER_IS_BETTER else d['delta'] >= 0) else 'bad'}'>{d['delta']:+.3f}</td></tr>"
        for k, d in comparison["metrics"].items()
    )
    better = ", ".join(comparison["better"]) or "aucun"
    worse = ", ".join(comparison["worse"]) or "aucun"
    return (
        f"<section><h2>Comparaison avec l'évaluation {html.escape(comparison['previous_run'])}</h2>"
        f"<table><tr><th>Mesure</th><th>Avant</th><th>Après</th><th>Écart</th></tr>{rows}</table>"
        f"<p><b class='good'>Cas améliorés :</b> {html.escape(better)}</p><p><b class='bad'>Cas dégradés :</b> {html.escape(worse)}</p></section>"
    )


def backends_table(history: list[dict[str, Any]]) -> str:
    """The latest run of each generator (extractive, openai:…, llamacpp:…) side by side."""
    latest: dict[str, dict[str, Any]] = {}
    for run in history:
        latest[str(run.get("config", {}).get("generator", "extractive"))] = run
    if len(latest) < 2:
        return ""
    keys = ("fact_accuracy", "recall@5", "quote_fidelity", "abstention_recall", "abstention_precision", "pass_rate")
    head = "".join(f"<th>{METRIC_LABELS[k]}</th>" for k in keys)
    rows = "".join(
        f"<tr><td><code>{html.escape(name)}</code><br><span class='muted'>{html.escape(run['run_id'])}</span></td>"
        + "".join(f"<td>{_pct(float(run['metrics'].get(k, 0)))}</td>" for k in keys)
        + f"<td>{_pct(float(run['metrics'].get('fallback_rate', 0)))}</td>"
        + f"<td>{_pct(float(run['metrics'].get('removed_sentence_rate', 0)))}</td>"
        + f"<td>{float(run['metrics'].get('latency_p50_ms', 0)):.0f} / {float(run['metrics'].get('latency_p95_ms', 0)):.0f} ms</td></tr>"
        for name, run in latest.items()
    )
    return (f"<section><h2>Générateurs comparés (dernière évaluation de chacun)</h2><table><tr><th>Générateur</th>{head}"
            f"<th>Repli sur l'extractif</th><th>Phrases du modèle retirées</th><th>Latence p50 / p95</th></tr>{rows}</table></section>")


def _value(metrics: dict[str, Any] | None, key: str) -> str:
    return "—" if not metrics or metrics.get(key) is None else _pct(float(metrics[key]))


def splits_table(summary: Summary) -> str:
    """Key metrics on all cases, on each half, and for the naive baseline: a gain that holds on
    « test » (never tuned on) is a gain that generalises."""
    base = summary.baseline
    head = "<th>Mesure</th><th>Tous</th>" + "".join(f"<th>{h}</th>" for h in SPLITS)
    if base:
        head += "<th>Référence naïve LangChain (tous / dev / test)</th>"
    rows = []
    for key in SPLIT_KEYS:
        cells = f"<td>{METRIC_LABELS[key]}</td><td>{_value(summary.metrics, key)}</td>"
        cells += "".join(f"<td>{_value(summary.per_split.get(h), key)}</td>" for h in SPLITS)
        if base:
            theirs = " / ".join(_value(m, key) for m in (base, *(base.get("per_split", {}).get(h) for h in SPLITS)))
            cells += f"<td>{theirs if key in BASELINE_KEYS else '—'}</td>"
        rows.append(f"<tr>{cells}</tr>")
    counts = " ; ".join(f"{h} : {int(summary.per_split[h]['cases'])} cas" for h in SPLITS if h in summary.per_split)
    note = ("<p class='muted'>Référence : découpe 1000/200, Chroma, même modèle de vecteurs que l'assistant "
            f"(<code>{html.escape(str(base.get('embedding', '')))}</code>), réponse = premier passage, jamais "
            f"d'abstention ; {int(base.get('chunks', 0))} passages.</p>") if base else ""
    return (f"<section><h2>Par moitié du jeu de test (dev / test)</h2><table><tr>{head}</tr>{''.join(rows)}</table>"
            f"<p class='muted'>Chaque cas appartient une fois pour toutes à une moitié (empreinte de son identifiant) : "
            f"« dev » sert aux réglages, « test » les vérifie. {html.escape(counts)}.</p>{note}</section>")


def context_section(summary: Summary) -> str:
    """Context recall: the share of questions whose evidence reaches the generator (the sections
    handed to a language model, which the extractive answer also reads), at three budgets, beside the
    naive baseline's best chunks at the same budgets."""
    m = summary.metrics
    if f"context_recall@{CONTEXT_BUDGETS[0]}" not in m:
        return ""
    base = summary.baseline or {}
    rows = []
    for budget in CONTEXT_BUDGETS:
        key, chars = f"context_recall@{budget}", f"context_chars@{budget}"
        halves = "".join(f"<td>{_value(summary.per_split.get(h), key)}</td>" for h in SPLITS)
        theirs = (f"<td>{_value(base, key)} <span class='muted'>({float(base.get(chars) or 0):.0f} car.)</span></td>"
                  if base else "")
        rows.append(f"<tr><td>{budget:,} caractères".replace(",", " ") + f"</td><td>{_value(m, key)} <span class='muted'>"
                    f"({float(m.get(chars) or 0):.0f} car. en moyenne)</span></td>{halves}{theirs}</tr>")
    head = "<th>Budget des sources</th><th>Tous</th>" + "".join(f"<th>{h}</th>" for h in SPLITS)
    head += "<th>Référence naïve (mêmes budgets)</th>" if base else ""
    return (f"<section><h2>Ce que reçoit le générateur (rappel du contexte)</h2><table><tr>{head}</tr>{''.join(rows)}"
            f"</table><p class='muted'>Part des questions à réponse dont la preuve figure dans les sources transmises "
            f"au générateur : chaque fait attendu qui est une chaîne des documents, et pour les questions oui/non le "
            f"passage source du cas. Le budget par défaut est <code>MGP_SOURCES_BUDGET</code>.</p></section>")


def documents_section(summary: Summary) -> str:
    corpus = summary.corpus or {}
    documents = corpus.get("documents", [])
    if not corpus:
        return ""
    items = "".join(f"<li>{html.escape(d['title'])} <span class='muted'>({html.escape(d['file'])}"
                    f"{', SHA-256 ' + html.escape(d['sha256'][:16]) + '…' if d.get('sha256') else ''})</span> — "
                    f"{_covered(d)}</li>" for d in documents)
    return (f"<section><h2>Ce que couvre l'évaluation</h2><p>{html.escape(coverage_line(corpus), quote=False)}</p>"
            f"<ul>{items}</ul></section>")


def _covered(document: dict[str, Any]) -> str:
    n = document.get("cases")
    if n is None:
        return "<span class='muted'>couverture non mesurée</span>"
    if n == 0:
        return "<b class='bad'>⚠ aucun cas de test : les chiffres ne disent rien de ce document</b>"
    return f"{n} cas"


def coverage_line(corpus: dict[str, Any]) -> str:
    """« Jeu de test evals/testset.yaml (99 cas) sur l'index de 7 documents ; 4 sans aucun cas : … »,
    said of what was run (the corpus's name only says where its index lives)."""
    documents = corpus.get("documents", [])
    counted = [d for d in documents if d.get("cases") is not None]
    without = [d for d in counted if d["cases"] == 0]
    testset = corpus.get("testset")
    line = (f"Jeu de test {testset} ({corpus.get('cases')} cas)" if testset else "Jeu de test") + \
        f" sur l'index « {corpus.get('name', '?')} » de {len(documents)} document(s)"
    if without:
        line += (f" ; {len(without)} document(s) sans aucun cas (ajoutez-en pour les mesurer) : "
                 + ", ".join(d["title"] for d in without))
    elif counted:
        line += " ; chaque document a au moins un cas"
    return line + "."


def _category_rows(summary: Summary, results: list[CaseResult]) -> str:
    def half(category: str, split: str) -> str:
        items = [r for r in results if r.category == category and r.split == split]
        return f"{sum(r.passed for r in items)}/{len(items)}" if items else "—"

    return "".join(
        f"<tr><td>{html.escape(CATEGORY_LABELS.get(c, c))}</td><td>{int(v['cases'])}</td><td>{_pct(v['pass_rate'])}</td>"
        f"<td>{half(c, 'dev')}</td><td>{half(c, 'test')}</td>"
        f"<td>{_pct(v['fact_accuracy'])}</td><td>{'—' if v.get('recall@5') is None else _pct(v['recall@5'])}</td></tr>"
        for c, v in summary.per_category.items()
    )


def render_report(
    summary: Summary, results: list[CaseResult], history: list[dict[str, Any]], comparison: dict[str, Any] | None = None
) -> str:
    m = summary.metrics
    cards = "".join(
        f"<div class='card'><div class='v'>{_pct(m[k])}</div><div class='l'>{METRIC_LABELS[k]}</div></div>"
        for k in ("fact_accuracy", "recall@5", "abstention_recall", "quote_fidelity", "pass_rate")
    ) + (f"<div class='card'><div class='v'>{m['latency_p95_ms']:.0f} ms</div><div class='l'>Temps de réponse "
         f"(95 % des questions en moins de)</div></div>")
    categories = _category_rows(summary, results)
    failed = [r for r in results if not r.passed]
    config = "".join(f"<tr><td>{html.escape(CONFIG_LABELS.get(k, k))} <span class='muted'>(<code>{html.escape(k)}</code>)</span></td>"
                     f"<td>{html.escape(_config_value(v))}</td></tr>" for k, v in summary.config.items())
    retrieval = {f"Rappel@{k}": m[f"recall@{k}"] for k in (1, 3, 5, 10)} | {"MRR": m["mrr"], "nDCG@10": m["ndcg@10"]}
    return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Évaluation de l'assistant — {html.escape(summary.run_id)}</title>
<style>{_CSS}</style></head><body>
<header><h1>Évaluation de l'assistant « Appropriation Métropolitaine »</h1>
<div>Évaluation {html.escape(summary.run_id)} du {summary.created_at:%d/%m/%Y à %H:%M} (UTC) — {int(m['cases'])} questions de test</div></header>
<main>
<section><h2>En bref</h2><div class="cards">{cards}</div>
<p class="muted">Exactitude : la réponse contient tous les faits attendus. Rappel : le bon passage figure parmi les 5 premiers trouvés.
Abstention : pour les questions auxquelles les documents ne répondent pas, l'assistant dit qu'il ne sait pas.</p></section>
{splits_table(summary)}
{context_section(summary)}
{documents_section(summary)}
{_comparison(comparison)}
{backends_table(history)}
<section><h2>Les mesures</h2>{bars_svg({METRIC_LABELS[k]: m[k] for k in ("fact_accuracy", "citation_precision", "quote_fidelity", "abstention_precision", "abstention_recall", "pass_rate")})}
<h3>Recherche des passages</h3>{bars_svg(retrieval)}</section>
<section><h2>Par type de question</h2><table><tr><th>Type</th><th>Questions</th><th>Réussies</th><th>Réussies dev</th><th>Réussies test</th><th>Faits exacts</th><th>Rappel@5</th></tr>{categories}</table></section>
<section><h2>Temps de réponse</h2><p>Médiane {m['latency_p50_ms']:.0f} ms, 95e centile {m['latency_p95_ms']:.0f} ms.</p>{_histogram([r.latency_ms for r in results])}</section>
<section><h2>Évolution</h2>{trend_svg(history)}</section>
<section><h2>Cas échoués ({len(failed)})</h2>{''.join(_case_block(r) for r in failed) or '<p>Aucun.</p>'}</section>
<section><h2>Configuration évaluée</h2><table>{config}</table></section>
</main></body></html>"""
