"""Near-duplicates: a typed PV and its degraded scan text, a DOCX/PDF pair of one text, are one hit; different PVs
written from one template are not."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import docx
import numpy as np
from fpdf import FPDF
from support import session_of, write

from arbiter_desktop import app
from arbiter_desktop.chunking.derived import TextAnalysis
from arbiter_desktop.config.settings import Settings
from arbiter_desktop.domain import Extraction, FileFingerprint, FileKind, SearchMode, SearchRequest
from arbiter_desktop.duplicates import facts as doc_facts
from arbiter_desktop.duplicates import minhash
from arbiter_desktop.stores import analysis
from arbiter_desktop.stores.case import Case

TEMPLATE = (
    "PROCÈS-VERBAL D'AUDITION DE TÉMOIN\n"
    "L'an deux mille vingt-quatre, le {date}, à {hour}, Nous, {officer}, officier de police judiciaire en résidence "
    "à {city}, agissant en enquête préliminaire, entendons la personne ci-dessous dénommée, qui déclare : {facts} "
    "Lecture faite par elle-même, la personne entendue persiste et signe avec nous le présent procès-verbal. "
    "Dont acte."
)
FACTS = [
    "Je rentrais du travail vers dix-neuf heures lorsque j'ai vu deux individus casqués sortir de la bijouterie en "
    "courant. L'un d'eux tenait un sac de sport noir. Ils sont montés sur une moto de grosse cylindrée rouge qui "
    "est partie en direction de l'autoroute. J'ai relevé le début de la plaque, GK-604. Le passager portait des "
    "gants blancs et une veste en cuir marron, il mesurait environ un mètre quatre-vingts.",
    "Ma voisine du troisième étage crie souvent la nuit. Samedi dernier, j'ai entendu des coups contre le mur et "
    "un homme hurler qu'il allait la tuer. J'ai appelé le dix-sept. Le lendemain, elle avait un bleu sous l'œil "
    "gauche et m'a dit qu'elle était tombée dans l'escalier. Son compagnon conduit une camionnette blanche et "
    "rentre souvent ivre.",
    "Le quatorze août, un homme se présentant comme plombier a sonné chez ma mère âgée de quatre-vingt-sept ans. "
    "Il prétendait vérifier les canalisations de l'immeuble. Pendant que son complice l'occupait dans la cuisine, "
    "il a fouillé la chambre et emporté ses bijoux ainsi qu'un chéquier. Un chèque de mille huit cent quarante "
    "euros a été encaissé ensuite.",
]


def pv(i: int) -> str:
    return TEMPLATE.format(
        date=f"{12 + i} septembre", hour=f"{9 + i} heures", officer="Capitaine Jean DURAND", city="Marseille",
        facts=FACTS[i],
    )  # fmt: skip


def degraded(text: str, rate: float = 0.05, seed: int = 3) -> str:
    """An OCR-like copy: accents mostly lost, m → rn, i → l, letters confused, spaces lost, stray marks."""
    rng = random.Random(seed)
    out: list[str] = []
    for c in text:
        if not c.isascii() and rng.random() < 0.8:
            c = unicodedata.normalize("NFKD", c)[0]
        r = rng.random()
        if c == "m" and r < rate:
            out.append("rn")
        elif c == "i" and r < rate:
            out.append("l")
        elif c.isalpha() and r < rate:
            out.append(rng.choice("ecnlo"))
        elif c == " " and r < rate:
            continue
        else:
            out.append(c)
        if rng.random() < rate / 5:
            out.append(rng.choice("·~|^°"))
    return "".join(out)


def write_docx(path: Path, text: str) -> None:
    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    document.save(str(path))


def write_pdf(path: Path, text: str) -> None:
    document = FPDF()
    document.add_font("DejaVu", "", str(Path(app.__file__).parents[1] / "resources" / "fonts" / "DejaVuSans.ttf"))
    document.set_font("DejaVu", size=11)
    document.add_page()
    document.multi_cell(0, 6, text)
    document.output(str(path))


def test_signature_is_the_minimum_of_each_multiply_shift_hash() -> None:
    """The values recorded in every case: computed by blocks in place, they must stay (a * v + b) >> 32."""
    draw = random.Random(5)
    long = " ".join(f"scelle{draw.randrange(10**6)}" for _ in range(3000))  # enough shingles for several blocks
    assert len(minhash.shingles(long)) * minhash.PERMUTATIONS > minhash.BLOCK_VALUES
    for text in (pv(0), long):
        values = minhash.shingles(text)
        hashed = (minhash._A[:, None] * values[None, :] + minhash._B[:, None]) >> np.uint64(32)
        expected = hashed.min(axis=1).astype(np.uint32)
        found = minhash.signature(text)
        assert found is not None and np.array_equal(found, expected)


def test_a_long_text_of_few_distinct_shingles_is_too_short_to_compare() -> None:
    """Long texts are hashed with their repeated shingles; the distinct ones still decide what is too short."""
    assert minhash.signature("ab" * 400) is None  # 796 shingles, 2 distinct
    assert minhash.signature("abc " * 300) is None
    varied = " ".join(f"scelle{n}" for n in range(60))
    assert len(minhash.shingles(varied)) >= minhash.MIN_SHINGLES and minhash.signature(varied) is not None


def test_signatures_separate_copies_from_template_siblings() -> None:
    typed = minhash.signature(pv(0))
    assert typed is not None
    scan = minhash.signature(degraded(pv(0)))
    assert scan is not None and minhash.similarity(typed, scan) >= minhash.THRESHOLD
    for other in (pv(1), pv(2)):
        sibling = minhash.signature(other)
        assert sibling is not None and minhash.similarity(typed, sibling) < minhash.THRESHOLD
    assert minhash.signature("trop court") is None


def test_copies_are_one_hit_with_every_copy_listed(case: Case, tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src, "pv_llorca.txt", pv(0))
    write(src, "scans/pv_llorca_ocr.txt", degraded(pv(0)))
    src.joinpath("word").mkdir()
    write_docx(src / "word" / "pv_voisine.docx", pv(1))
    write_pdf(src / "pv_voisine.pdf", pv(1))
    write(src, "pv_plombier.txt", pv(2))
    assert session_of(case).index([src]).errors == 0

    result = session_of(case).search(
        SearchRequest(query="procès-verbal témoin", top=10, mode=SearchMode.LEXICAL), audit=False
    )
    names = [Path(h.doc_path).name for h in result.hits]
    assert len(names) == 3  # five files, three texts
    by_name = {Path(h.doc_path).name: h for h in result.hits}
    llorca = by_name.get("pv_llorca.txt") or by_name["pv_llorca_ocr.txt"]
    assert {Path(c.path).name for c in llorca.also_in} | {Path(llorca.doc_path).name} == {
        "pv_llorca.txt",
        "pv_llorca_ocr.txt",
    }
    voisine = by_name.get("pv_voisine.docx") or by_name["pv_voisine.pdf"]
    assert len(voisine.also_in) == 1 and len(voisine.also_in[0].sha256) == 64
    assert Path(voisine.also_in[0].path).name in {"pv_voisine.docx", "pv_voisine.pdf"} - {Path(voisine.doc_path).name}
    plombier = by_name["pv_plombier.txt"]
    assert plombier.also_in == ()

    ungrouped = Case.open(case.directory, settings=case.settings.replace(group_near_duplicates=False))
    try:
        request = SearchRequest(query="procès-verbal témoin", top=10, mode=SearchMode.LEXICAL)
        apart = session_of(ungrouped).search(request, audit=False)
    finally:
        ungrouped.close()
    assert len(apart.hits) == 5


def test_entity_index_and_filter(case: Case, tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src, "a.txt", "Appel du 07 49 27 16 83 vers le 06 12 34 56 78 le 23/11/2024 ; véhicule HB-562-ZD.")
    write(src, "b.txt", "FADET : 33749271683;0612345678;23 novembre 2024. La Clio HB562ZD est signalée.")
    write(src, "c.txt", "Le +33 7 49 27 16 83 a écrit à k.hamidi@gmail.com le 2 décembre 2024.")
    write(src, "d.txt", "Rien à signaler dans ce rapport de patrouille, aucun numéro relevé ce jour-là.")
    assert session_of(case).index([src]).errors == 0
    listed = {(s.type.value, s.value): s.documents for s in analysis.summary(case.catalog)}
    assert listed[("phone", "+33749271683")] == 3
    assert listed[("phone", "+33612345678")] == 2
    assert listed[("plate", "HB562ZD")] == 2
    assert listed[("date", "2024-11-23")] == 2
    assert listed[("email", "k.hamidi@gmail.com")] == 1
    forms = {f for o in analysis.occurrences(case.catalog, *_key("phone", "+33749271683")) for f in o.forms}
    assert forms == {"07 49 27 16 83", "33749271683", "+33 7 49 27 16 83"}
    pairs = {(c.a.value, c.b.value): c.documents for c in analysis.cooccurrences(case.catalog)}
    assert pairs.get(("+33749271683", "+33612345678"), pairs.get(("+33612345678", "+33749271683"))) == 2

    request = SearchRequest(query="", top=10, mode=SearchMode.LEXICAL, entity="plate:HB562ZD")
    holding = session_of(case).search(request, audit=False)
    assert sorted(Path(h.doc_path).name for h in holding.hits) == ["a.txt", "b.txt"]
    assert {h.passage[a:b] for h in holding.hits for a, b in h.highlights} == {"HB-562-ZD", "HB562ZD"}  # where it is
    filtered = SearchRequest(query="signalée", top=10, mode=SearchMode.LEXICAL, entity="phone:+33749271683")
    assert [Path(h.doc_path).name for h in session_of(case).search(filtered, audit=False).hits] == ["b.txt"]

    # a document that leaves the case leaves the entity index
    (src / "c.txt").unlink()
    session_of(case).index([src])
    listed = {(s.type.value, s.value): s.documents for s in analysis.summary(case.catalog)}
    assert listed[("phone", "+33749271683")] == 2 and ("email", "k.hamidi@gmail.com") not in listed


def _key(kind: str, value: str) -> tuple[analysis.EntityType, str]:
    return analysis.EntityType(kind), value


def ocr_digits(text: str) -> str:
    """Digits as an OCR engine misreads them: "0" read "O", "1" read "l", "5" read "S", a space inside a number,
    a lone "1" lost to a letter."""
    for typed, read in (("06 12 34 56 78", "O6 l2 34 S6 78"), ("14/09/2024", "l4/O9/20 24"), ("1 500", "l 5OO")):
        text = text.replace(typed, read)
    return text


def test_copies_must_hold_the_same_numbers(case: Case, tmp_path: Path) -> None:
    src = tmp_path / "src"
    facts = FACTS[0] + " Il m'a appelé le 14/09/2024 depuis le 06 12 34 56 78 et réclamé 1 500 €."
    typed = TEMPLATE.format(
        date="12 septembre", hour="9 heures", officer="Capitaine DURAND", city="Marseille", facts=facts
    )
    write(src, "pv.txt", typed)
    scanned = ocr_digits(degraded(typed))
    assert "O6 l2 34 S6 78" in scanned and "l 5OO" in scanned
    write(src, "scans/pv_ocr.txt", scanned)  # the same numbers, misread: one document
    write(src, "pv_v2.txt", typed.replace("06 12 34 56 78", "06 12 34 56 79"))  # another phone: other evidence
    write(src, "pv_v3.txt", typed.replace("1 500 €", "1 800 €"))  # another amount
    write(src, "pv_v4.txt", typed.replace("12 septembre", "12 octobre"))  # another date
    assert session_of(case).index([src]).errors == 0
    result = session_of(case).search(SearchRequest(query="bijouterie", top=10, mode=SearchMode.LEXICAL), audit=False)
    shown = {Path(h.doc_path).name: {Path(c.path).name for c in h.also_in} for h in result.hits}
    assert len(shown) == 4
    assert {"pv.txt", "pv_ocr.txt"} & set(shown) and {"pv.txt", "pv_ocr.txt"} - set(shown)
    assert all(copies in (set(), {"pv.txt"}, {"pv_ocr.txt"}) for copies in shown.values())
    assert shown.get("pv.txt", shown.get("pv_ocr.txt")) in ({"pv.txt"}, {"pv_ocr.txt"})


def test_the_document_shown_for_a_group_does_not_depend_on_indexing_order(tmp_path: Path) -> None:
    """Two copies that score the same: the first path stands for the group, whichever was indexed first."""
    src = tmp_path / "src"
    write(src, "a/pv.txt", pv(0))
    write(src, "b/pv_copie.txt", pv(0) + "\n.")  # other bytes, the same words: the same score
    shown = []
    for name, order in (("forward", [src / "a", src / "b"]), ("backward", [src / "b", src / "a"])):
        case = Case.open(tmp_path / name, create=True, settings=Settings(workers=1, extract_timeout_s=60))
        try:
            for folder in order:  # the first folder's document gets the lower id
                session_of(case).index([folder])
            request = SearchRequest(query="bijouterie moto", top=10, mode=SearchMode.LEXICAL)
            hits = session_of(case).search(request, audit=False).hits
            assert len(hits) == 1 and len(hits[0].also_in) == 1
            shown.append((Path(hits[0].doc_path).name, Path(hits[0].also_in[0].path).name))
        finally:
            case.close()
    assert shown == [("pv.txt", "pv_copie.txt")] * 2


def test_candidates_share_two_bands(case: Case) -> None:
    """Documents that share one LSH band only (text common to many documents) are not compared at all; sharing
    two is enough. Each signature below agrees with the first on 2 of the 3 rows of every other band: similar
    enough (~0.67) once compared."""
    rng = np.random.default_rng(5)
    first = rng.integers(1, 2**32 - 1, size=minhash.PERMUTATIONS, dtype=np.uint32)

    def sharing(bands: int) -> np.ndarray:
        other = first.copy()
        for band in range(bands, minhash.BANDS):
            other[band * minhash.ROWS] += 1  # one row of the band differs: the band's key differs
        return other

    catalog = case.catalog
    source = catalog.add_source("/case")
    ids = []
    with catalog.transaction():
        for n, sig in enumerate([first, sharing(1), sharing(2)]):
            text = f"document {n}"
            sha = f"{n:064x}"
            document_id = catalog.add_document(sha, FileKind.TEXT, 10, Extraction(text=text, pages=()), [])
            catalog.upsert_file(source, FileFingerprint(f"/case/{n}.txt", 10, 0, sha, FileKind.TEXT), document_id)
            no_facts = doc_facts.Facts((), ()).to_json()
            analysis.record(catalog, document_id, text, TextAnalysis((), minhash.to_bytes(sig), no_facts))
            ids.append(document_id)
    assert minhash.similarity(first, sharing(1)) > minhash.THRESHOLD
    assert analysis.near_duplicates(catalog, [ids[0]]) == {ids[0]: [ids[2]]}
