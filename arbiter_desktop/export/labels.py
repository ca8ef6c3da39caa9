"""The words of the exports, in French (the default) and English, and how numbers and dates are written.

The PDF and the CSV read the same labels, so a column of the CSV and a line of the PDF carry the same name.
"""

from __future__ import annotations

from datetime import datetime

from arbiter_desktop.domain import NO_RERANKER, Coverage, Scores, SearchMode
from arbiter_desktop.entities import EntityType
from arbiter_desktop.export.resultset import ExportContext, ModelInfo
from arbiter_desktop.stores.tags import TaggedHit

LANGUAGES = ("fr", "en")

_FR = {
    "title_search": "Résultats de recherche",
    "title_tag": "Passages étiquetés « {tag} »",
    "case": "Dossier",
    "operator": "Opérateur",
    "operator_unset": "non renseigné",
    "account": "compte système",
    "exported_at": "Date de l'export",
    "application": "Application",
    "embedder": "Modèle d'embeddings",
    "reranker": "Modèle de reclassement",
    "model_unused": "non utilisé",
    "models_of_origin": "ceux des recherches d'origine (voir le journal d'audit)",
    "index": "Index",
    "index_value": "génération {generation}, {documents} document(s)",
    "coverage": "Couverture sémantique",
    "coverage_value": "{embedded} / {chunks} passages vectorisés ({percent} %)",
    "query": "Requête",
    "tag": "Étiquette",
    "mode": "Mode",
    "mode_of_origin": "celui de chaque recherche d'origine",
    "expansions": "Extensions appliquées",
    "none_f": "aucune",
    "filters": "Filtres",
    "none_m": "aucun",
    "hits_count": "Résultats",
    "audit": "Journal d'audit",
    "audit_value": "dernière entrée n° {seq}, SHA-256 {hash}",
    "audit_empty": "vide",
    "notes": "Remarques",
    "note_no_reranker": "aucun reclasseur installé : le mode complet classe comme le mode hybride",
    "legend": "Légende",
    "legend_value": "termes trouvés en gras sur fond jaune ; phrase la plus proche par le sens sur fond bleu",
    "no_hits": "Aucun résultat.",
    "rank": "Rang",
    "hit": "n° {rank}",
    "document": "Document",
    "other_paths": "Copies identiques",
    "also_in": "Aussi dans (quasi-doublons)",
    "sha256": "SHA-256 du document",
    "containers": "Dans le conteneur (SHA-256)",
    "page": "Page",
    "text_source": "Origine du texte",
    "ocr_value": "texte reconnu (OCR), confiance {confidence} %",
    "doc_title": "Titre",
    "passage": "Passage",
    "highlighted": "Extraits surlignés",
    "highlight_offsets": "Positions des surlignages",
    "scores": "Scores",
    "score_bm25": "BM25",
    "score_dense": "sémantique",
    "score_fused": "fusion",
    "score_rerank": "reclassement",
    "matched_terms": "Termes trouvés",
    "via_expansion": "Via extension",
    "semantic_sentence": "Phrase la plus proche par le sens",
    "origin_query": "Requête d'origine",
    "origin_value": "« {query} » (mode {mode}, rang {rank})",
    "tagged": "Étiqueté",
    "tagged_value": "le {date} par {who}",
    "absent": "Présence",
    "absent_value": "ce contenu n'est plus dans l'index du dossier (cité par son SHA-256)",
    "page_footer": "Page {page} / {pages}",
    "generated_by": "Arbiter Desktop {version}",
    "date_format": "%d/%m/%Y à %H:%M:%S",
    "filter_top": "{value} premiers résultats",
    "filter_kinds": "types : {value}",
    "filter_folder": "dossier : {value}",
    "filter_date_from": "à partir du {value}",
    "filter_date_to": "jusqu'au {value}",
    "filter_no_expansion": "sans extension de requête",
    "filter_disabled_expansions": "extensions désactivées : {value}",
    "mode_lexical": "plein texte (BM25)",
    "mode_dense": "sémantique",
    "mode_hybrid": "hybride (plein texte et sémantique)",
    "mode_full": "complet (hybride puis reclassement)",
    "csv_exported_at": "Date de l'export",
    "csv_generation": "Génération de l'index",
    "score_main": "Score",
    # tables (entities, co-occurrences, term lists)
    "title_entities": "Entités du dossier",
    "title_cooccurrences": "Entités trouvées ensemble",
    "title_termlist": "Liste de termes « {name} »",
    "entity_types": "Types d'entités",
    "all_types": "tous",
    "rows_count": "Lignes",
    "rows_value": "{shown} sur {total}",
    "no_entity": "Aucune entité.",
    "no_pair": "Aucune paire d'entités trouvées ensemble.",
    "no_term": "Aucun terme.",
    "col_type": "Type",
    "col_entity": "Entité",
    "col_canonical": "Forme normalisée",
    "col_documents": "Documents",
    "col_occurrences": "Occurrences",
    "col_check": "Clé de contrôle",
    "check_ok": "valide",
    "check_failed": "invalide",
    "col_type_a": "Type A",
    "col_entity_a": "Entité A",
    "col_type_b": "Type B",
    "col_entity_b": "Entité B",
    "col_shared": "Documents communs",
    "col_term": "Terme",
    "col_label": "Libellé",
    "col_passages": "Passages",
    "col_new": "Nouveaux",
    "col_gone": "Disparus",
    "col_change": "Changement",
    "col_document_sha": "Document (chemin, SHA-256)",
    "change_new": "nouveau",
    "change_gone": "disparu",
    "left_case": "(n'est plus dans le dossier)",
    "list_name": "Liste",
    "list_source": "Source",
    "list_pasted": "collée",
    "list_sha256": "SHA-256 de la liste",
    "list_terms": "Termes",
    "list_expanded": "appliquées",
    "list_not_expanded": "non appliquées",
    "list_ran_at": "Exécution",
    "list_ran_value": "le {date}, index génération {gen}",
    "list_previous": "Exécution précédente",
    "list_first_run": "aucune (première exécution)",
    "list_without_hits": "Termes sans résultat",
    "changes_heading": "Documents nouveaux et disparus depuis l'exécution du {date}",
    "no_change": "Aucun changement.",
    "entity_phone": "Téléphone",
    "entity_email": "Courriel",
    "entity_iban": "IBAN",
    "entity_plate": "Immatriculation",
    "entity_imei": "IMEI",
    "entity_siren": "SIREN",
    "entity_siret": "SIRET",
    "entity_ip": "Adresse IP",
    "entity_date": "Date",
    "entity_amount": "Montant",
    "entity_number": "Nombre",
    "entity_person": "Personne",
    "entity_place": "Lieu",
}

_EN = {
    "title_search": "Search results",
    "title_tag": "Hits tagged “{tag}”",
    "case": "Case",
    "operator": "Operator",
    "operator_unset": "not set",
    "account": "system account",
    "exported_at": "Exported on",
    "application": "Application",
    "embedder": "Embedding model",
    "reranker": "Reranking model",
    "model_unused": "not used",
    "models_of_origin": "those of the original searches (see the audit log)",
    "index": "Index",
    "index_value": "generation {generation}, {documents} document(s)",
    "coverage": "Semantic coverage",
    "coverage_value": "{embedded} / {chunks} chunks embedded ({percent} %)",
    "query": "Query",
    "tag": "Tag",
    "mode": "Mode",
    "mode_of_origin": "that of each original search",
    "expansions": "Expansions applied",
    "none_f": "none",
    "filters": "Filters",
    "none_m": "none",
    "hits_count": "Hits",
    "audit": "Audit log",
    "audit_value": "last entry n° {seq}, SHA-256 {hash}",
    "audit_empty": "empty",
    "notes": "Notes",
    "note_no_reranker": "no reranker installed: the full mode ranks as hybrid",
    "legend": "Legend",
    "legend_value": "matched terms in bold on yellow; the sentence closest in meaning on blue",
    "no_hits": "No hit.",
    "rank": "Rank",
    "hit": "n° {rank}",
    "document": "Document",
    "other_paths": "Identical copies",
    "also_in": "Also in (near-duplicates)",
    "sha256": "Document SHA-256",
    "containers": "In container (SHA-256)",
    "page": "Page",
    "text_source": "Text source",
    "ocr_value": "recognised text (OCR), confidence {confidence}%",
    "doc_title": "Title",
    "passage": "Passage",
    "highlighted": "Highlighted text",
    "highlight_offsets": "Highlight offsets",
    "scores": "Scores",
    "score_bm25": "BM25",
    "score_dense": "semantic",
    "score_fused": "fused",
    "score_rerank": "rerank",
    "matched_terms": "Matched terms",
    "via_expansion": "Via expansion",
    "semantic_sentence": "Sentence closest in meaning",
    "origin_query": "Original query",
    "origin_value": "“{query}” (mode {mode}, rank {rank})",
    "tagged": "Tagged",
    "tagged_value": "on {date} by {who}",
    "absent": "Presence",
    "absent_value": "this content is no longer in the case's index (cited by its SHA-256)",
    "page_footer": "Page {page} / {pages}",
    "generated_by": "Arbiter Desktop {version}",
    "date_format": "%Y-%m-%d at %H:%M:%S",
    "filter_top": "top {value} hits",
    "filter_kinds": "types: {value}",
    "filter_folder": "folder: {value}",
    "filter_date_from": "from {value}",
    "filter_date_to": "until {value}",
    "filter_no_expansion": "no query expansion",
    "filter_disabled_expansions": "expansions switched off: {value}",
    "mode_lexical": "full text (BM25)",
    "mode_dense": "semantic",
    "mode_hybrid": "hybrid (full text and semantic)",
    "mode_full": "full (hybrid, then reranked)",
    "csv_exported_at": "Exported on",
    "csv_generation": "Index generation",
    "score_main": "Score",
    # tables (entities, co-occurrences, term lists)
    "title_entities": "Entities of the case",
    "title_cooccurrences": "Entities found together",
    "title_termlist": "Term list “{name}”",
    "entity_types": "Entity types",
    "all_types": "all",
    "rows_count": "Rows",
    "rows_value": "{shown} of {total}",
    "no_entity": "No entity.",
    "no_pair": "No entities found together.",
    "no_term": "No term.",
    "col_type": "Type",
    "col_entity": "Entity",
    "col_canonical": "Normalised form",
    "col_documents": "Documents",
    "col_occurrences": "Occurrences",
    "col_check": "Check digit",
    "check_ok": "valid",
    "check_failed": "invalid",
    "col_type_a": "Type A",
    "col_entity_a": "Entity A",
    "col_type_b": "Type B",
    "col_entity_b": "Entity B",
    "col_shared": "Shared documents",
    "col_term": "Term",
    "col_label": "Label",
    "col_passages": "Passages",
    "col_new": "New",
    "col_gone": "Gone",
    "col_change": "Change",
    "col_document_sha": "Document (path, SHA-256)",
    "change_new": "new",
    "change_gone": "gone",
    "left_case": "(no longer in the case)",
    "list_name": "List",
    "list_source": "Source",
    "list_pasted": "pasted",
    "list_sha256": "List SHA-256",
    "list_terms": "Terms",
    "list_expanded": "applied",
    "list_not_expanded": "not applied",
    "list_ran_at": "Run",
    "list_ran_value": "on {date}, index generation {gen}",
    "list_previous": "Previous run",
    "list_first_run": "none (first run)",
    "list_without_hits": "Terms without hits",
    "changes_heading": "Documents new and gone since the run of {date}",
    "no_change": "No change.",
    "entity_phone": "Phone",
    "entity_email": "E-mail",
    "entity_iban": "IBAN",
    "entity_plate": "Plate",
    "entity_imei": "IMEI",
    "entity_siren": "SIREN",
    "entity_siret": "SIRET",
    "entity_ip": "IP address",
    "entity_date": "Date",
    "entity_amount": "Amount",
    "entity_number": "Number",
    "entity_person": "Person",
    "entity_place": "Place",
}


class Labels:
    def __init__(self, lang: str = "fr") -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"export language {lang!r}: choose one of {', '.join(LANGUAGES)}")
        self.lang = lang
        self.words = _FR if lang == "fr" else _EN

    def __getitem__(self, key: str) -> str:
        return self.words[key]

    def number(self, value: float | None, decimals: int = 4) -> str:
        """A score: empty when absent; a decimal comma in French."""
        if value is None:
            return ""
        text = f"{value:.{decimals}f}"
        return text.replace(".", ",") if self.lang == "fr" else text

    def date(self, when: datetime) -> str:
        """Local date and time, with the zone's name and its UTC offset."""
        offset = when.strftime("%z")
        offset = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
        zone = when.tzname() or ""
        shown = f"{zone} ({offset})" if zone and not zone.startswith(("UTC", "+", "-")) else offset
        return f"{when.strftime(self['date_format'])} {shown}"

    def iso_date(self, text: str) -> str:
        """An ISO 8601 timestamp as :meth:`date` writes it (the text itself when it is not one)."""
        try:
            return self.date(datetime.fromisoformat(text))
        except ValueError:
            return text

    def note(self, note: str) -> str:
        """A note of the search engine in this language (notes it does not know stay as written)."""
        return self["note_no_reranker"] if note == NO_RERANKER else note

    def mode(self, mode: SearchMode | None) -> str:
        return self["mode_of_origin"] if mode is None else self[f"mode_{mode.value}"]

    def filters(self, filters: tuple[tuple[str, str], ...]) -> str:
        shown = [self[f"filter_{key}"].format(value=value) for key, value in filters]
        return "; ".join(shown) if shown else self["none_m"]

    def expansions(self, labels: tuple[str, ...]) -> str:
        return "; ".join(labels) if labels else self["none_f"]

    def operator(self, context: ExportContext) -> str:
        name = context.operator or self["operator_unset"]
        colon = " :" if self.lang == "fr" else ":"
        return f"{name} ({self['account']}{colon} {context.user})"

    def coverage(self, coverage: Coverage) -> str:
        percent = 100.0 * coverage.embedded / coverage.chunks if coverage.chunks else 0.0
        return self["coverage_value"].format(
            embedded=coverage.embedded, chunks=coverage.chunks, percent=self.number(percent, 1)
        )

    def model(self, models: tuple[ModelInfo, ...], role: str, tag_export: bool) -> str:
        found = [m for m in models if m.role == role]
        if not found:
            return self["models_of_origin"] if tag_export else self["model_unused"]
        return "; ".join(f"{m.name} (SHA-256 {m.sha256})" for m in found)

    def scores(self, scores: Scores) -> str:
        parts = [
            (self["score_bm25"], scores.bm25),
            (self["score_dense"], scores.dense),
            (self["score_fused"], scores.fused),
            (self["score_rerank"], scores.rerank),
        ]
        return " · ".join(f"{name} {self.number(value) or '—'}" for name, value in parts)

    def text_source(self, confidence: float | None) -> str:
        """How the hit's page text was obtained: "" when read from the file, else OCR with its confidence."""
        if confidence is None:
            return ""
        return self["ocr_value"].format(confidence=f"{confidence:.0f}")

    def entity_type(self, kind: EntityType) -> str:
        return self[f"entity_{kind.value}"]

    def origin(self, tagged: TaggedHit) -> str:
        return self["origin_value"].format(query=tagged.query, mode=self.mode(tagged.mode), rank=tagged.hit.rank)

    def tagged(self, tagged: TaggedHit) -> str:
        return self["tagged_value"].format(
            date=self.iso_date(tagged.tagged_at), who=tagged.operator or self["operator_unset"]
        )
