<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>ExpansionChips</name>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="36"/>
        <source>Expansions:</source>
        <translation>Extensions :</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="53"/>
        <source>Click to switch this expansion off or on for this search</source>
        <translation>Cliquer pour désactiver ou réactiver cette extension pour cette recherche</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="63"/>
        <source>%1 (off)</source>
        <translation>%1 (désactivée)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="128"/>
        <source>The original cannot be opened: %1</source>
        <translation>L&apos;original ne peut pas être ouvert : %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="179"/>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="183"/>
        <source>Case</source>
        <translation>Affaire</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="188"/>
        <source>New case…</source>
        <translation>Nouvelle affaire…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="191"/>
        <source>Open case…</source>
        <translation>Ouvrir une affaire…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="194"/>
        <source>Add folders…</source>
        <translation>Ajouter des dossiers…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="197"/>
        <source>Look for changes in the sources</source>
        <translation>Rechercher les modifications des sources</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="200"/>
        <source>Settings…</source>
        <translation>Paramètres…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="206"/>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="212"/>
        <source>Export the results…</source>
        <translation>Exporter les résultats…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="227"/>
        <source>Search the case… e.g. rdv gare, GAV prolongée, ZZ-417-XK</source>
        <translation>Rechercher dans l&apos;affaire… ex. rdv gare, GAV prolongée, ZZ-417-XK</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="235"/>
        <source>Hybrid (words + meaning)</source>
        <translation>Hybride (mots + sens)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="236"/>
        <source>Text</source>
        <translation>Texte</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="237"/>
        <source>Meaning</source>
        <translation>Sens</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="240"/>
        <source>Search mode</source>
        <translation>Mode de recherche</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="243"/>
        <source>All types</source>
        <translation>Tous les types</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="249"/>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="467"/>
        <source>All folders</source>
        <translation>Tous les dossiers</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="251"/>
        <source>Documents dated from</source>
        <translation>Documents datés à partir du</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="252"/>
        <source>Documents dated until</source>
        <translation>Documents datés jusqu&apos;au</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="253"/>
        <source>Expansions</source>
        <translation>Extensions</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="255"/>
        <source>Also search abbreviations, synonyms and slang from the lexicons</source>
        <translation>Chercher aussi les abréviations, synonymes et termes d&apos;argot des lexiques</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="261"/>
        <source>Filters:</source>
        <translation>Filtres :</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="262"/>
        <source>from</source>
        <translation>du</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="262"/>
        <source>to</source>
        <translation>au</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="304"/>
        <source>Indexing</source>
        <translation>Indexation</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="306"/>
        <source>Sources</source>
        <translation>Sources</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="340"/>
        <source>Ready</source>
        <translation>Prêt</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="362"/>
        <source>Recent cases</source>
        <translation>Affaires récentes</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="379"/>
        <source>Indexing in progress</source>
        <translation>Indexation en cours</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="380"/>
        <source>Indexing of this case is in progress. Stop it (it resumes next time) and switch case?</source>
        <translation>L&apos;indexation de cette affaire est en cours. L&apos;arrêter (elle reprendra la prochaine fois) et changer d&apos;affaire ?</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="385"/>
        <source>No indexing in progress.</source>
        <translation>Aucune indexation en cours.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="390"/>
        <source>Opening %1…</source>
        <translation>Ouverture de %1…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="394"/>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="403"/>
        <source>New case</source>
        <translation>Nouvelle affaire</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="394"/>
        <source>Case name (e.g. 2026-1234 STUPS Nord):</source>
        <translation>Nom de l&apos;affaire (ex. 2026-1234 STUPS Nord) :</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="397"/>
        <source>Folder where the case is kept</source>
        <translation>Dossier où conserver l&apos;affaire</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="403"/>
        <source>%1 exists and is not empty.</source>
        <translation>%1 existe et n&apos;est pas vide.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="409"/>
        <source>Open a case folder</source>
        <translation>Ouvrir le dossier d&apos;une affaire</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="414"/>
        <source>Folder to add to the case</source>
        <translation>Dossier à ajouter à l&apos;affaire</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="432"/>
        <source>Resuming the indexing that was interrupted…</source>
        <translation>Reprise de l&apos;indexation interrompue…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="442"/>
        <source>No case open</source>
        <translation>Aucune affaire ouverte</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="443"/>
        <source>Cannot open the case</source>
        <translation>Impossible d&apos;ouvrir l&apos;affaire</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="449"/>
        <source>indexing</source>
        <translation>indexation en cours</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="449"/>
        <source>up to date</source>
        <translation>à jour</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="451"/>
        <source>Case: %1 — %2 documents · %3 errors · semantic coverage %4 · %5</source>
        <translation>Affaire : %1 — %2 documents · %3 erreurs · couverture sémantique %4 · %5</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="458"/>
        <source>%1 scanned pages awaiting OCR</source>
        <translation>%1 pages numérisées en attente d&apos;OCR</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="507"/>
        <source>Added to the case: %1</source>
        <translation>Ajouté à l&apos;affaire : %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="540"/>
        <source>Indexing failed.</source>
        <translation>L&apos;indexation a échoué.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="542"/>
        <source>Indexing failed</source>
        <translation>Échec de l&apos;indexation</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="612"/>
        <source>Searching…</source>
        <translation>Recherche…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="625"/>
        <source>meaning searched in %1 % of the case (indexing goes on)</source>
        <translation>sens recherché dans %1 % de l&apos;affaire (l&apos;indexation continue)</translation>
    </message>
    <message numerus="yes">
        <location filename="../../arbiter_desktop/ui/main_window.py" line="629"/>
        <source>%n result(s)</source>
        <translation>
            <numerusform>%n résultat</numerusform>
            <numerusform>%n résultats</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="631"/>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="636"/>
        <source>No result for this search.</source>
        <translation>Aucun résultat pour cette recherche.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="679"/>
        <source>no reranker installed: the full mode ranks as hybrid</source>
        <translation>aucun reclasseur installé : le mode complet classe comme le mode hybride</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="685"/>
        <source>Search failed: %1</source>
        <translation>La recherche a échoué : %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="739"/>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="744"/>
        <source>relevant</source>
        <translation>pertinent</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="739"/>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="744"/>
        <source>to check</source>
        <translation>à vérifier</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="740"/>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="745"/>
        <source>Tag “%1”</source>
        <translation>Étiqueter « %1 »</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="747"/>
        <source>Other tag…</source>
        <translation>Autre étiquette…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="750"/>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="771"/>
        <source>Export the selected results…</source>
        <translation>Exporter les résultats sélectionnés…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="755"/>
        <source>Tag</source>
        <translation>Étiquette</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="755"/>
        <source>Tag for the selected results:</source>
        <translation>Étiquette pour les résultats sélectionnés :</translation>
    </message>
    <message numerus="yes">
        <location filename="../../arbiter_desktop/ui/main_window.py" line="765"/>
        <source>%n result(s) tagged “%1”</source>
        <translation>
            <numerusform>%n résultat étiqueté « %1 »</numerusform>
            <numerusform>%n résultats étiquetés « %1 »</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="775"/>
        <source>Export a tag</source>
        <translation>Exporter une étiquette</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="782"/>
        <source>PDF and CSV (*.pdf)</source>
        <translation>PDF et CSV (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="782"/>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="782"/>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="785"/>
        <source>Export for the case file</source>
        <translation>Exporter pour le dossier de procédure</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="807"/>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="813"/>
        <source>Exporting…</source>
        <translation>Export en cours…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="817"/>
        <source>Exported: %1 (SHA-256 in the audit log)</source>
        <translation>Exporté : %1 (SHA-256 inscrite au journal d&apos;audit)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="835"/>
        <source>Change the embedding model</source>
        <translation>Changer de modèle sémantique</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="837"/>
        <source>Every passage of the case will be embedded again with the new model, which can take hours; meanwhile search by meaning covers only what is done. Continue?</source>
        <translation>Tous les passages de l&apos;affaire seront recalculés avec le nouveau modèle, ce qui peut prendre des heures ; en attendant, la recherche par le sens ne couvre que ce qui est fait. Continuer ?</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="848"/>
        <source>The language changes at the next start.</source>
        <translation>La langue change au prochain démarrage.</translation>
    </message>
</context>
<context>
    <name>PreviewPane</name>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="45"/>
        <location filename="../../arbiter_desktop/ui/preview.py" line="88"/>
        <source>Select a result to read the document.</source>
        <translation>Sélectionnez un résultat pour lire le document.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="50"/>
        <source>◀ Previous</source>
        <translation>◀ Précédent</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="51"/>
        <source>Previous match (Shift+F3)</source>
        <translation>Occurrence précédente (Maj+F3)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="52"/>
        <source>Next ▶</source>
        <translation>Suivant ▶</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="53"/>
        <source>Next match (F3)</source>
        <translation>Occurrence suivante (F3)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="55"/>
        <location filename="../../arbiter_desktop/ui/preview.py" line="114"/>
        <source>PDF page</source>
        <translation>Page PDF</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="57"/>
        <source>Show the PDF page as printed</source>
        <translation>Afficher la page PDF telle qu&apos;imprimée</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="58"/>
        <source>Open original</source>
        <translation>Ouvrir l&apos;original</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="59"/>
        <source>Opens a read-only copy in the system viewer; the source is not touched</source>
        <translation>Ouvre une copie en lecture seule dans la visionneuse du système ; la source n&apos;est pas touchée</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="98"/>
        <source>This document is no longer in the case.</source>
        <translation>Ce document ne fait plus partie de l&apos;affaire.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="114"/>
        <source>Image</source>
        <translation>Image</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="133"/>
        <source>The page cannot be shown: %1</source>
        <translation>La page ne peut pas être affichée : %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="171"/>
        <source>Extract: characters %1 to %2 of %3.</source>
        <translation>Extrait : caractères %1 à %2 sur %3.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="207"/>
        <source>page %1</source>
        <translation>page %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="210"/>
        <source>recognised text (OCR), confidence %1 %</source>
        <translation>texte reconnu (OCR), confiance %1 %</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="212"/>
        <source>match %1 / %2</source>
        <translation>occurrence %1 / %2</translation>
    </message>
</context>
<context>
    <name>ProgressPanel</name>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="100"/>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="118"/>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="138"/>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="101"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="111"/>
        <source>No indexing in progress.</source>
        <translation>Aucune indexation en cours.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="118"/>
        <source>Resume</source>
        <translation>Reprendre</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="120"/>
        <source>Paused</source>
        <translation>En pause</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="124"/>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="144"/>
        <source>Looking for files…</source>
        <translation>Recherche des fichiers…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="152"/>
        <source>Recognising scanned pages (OCR)</source>
        <translation>Reconnaissance des pages numérisées (OCR)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="153"/>
        <source>OCR %1/%2 pages</source>
        <translation>OCR %1/%2 pages</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="158"/>
        <source>Semantic indexing (search by meaning)</source>
        <translation>Indexation sémantique (recherche par le sens)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="160"/>
        <source>%1 / %2 passages · %3 passages/s · about %4 left</source>
        <translation>%1 / %2 passages · %3 passages/s · reste environ %4</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="167"/>
        <source>Text indexing</source>
        <translation>Indexation du texte</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="169"/>
        <source>%1 / %2 files · %3 files/s · %4 MB of text · %5 errors · about %6 left</source>
        <translation>%1 / %2 fichiers · %3 fichiers/s · %4 Mo de texte · %5 erreurs · reste environ %6</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="181"/>
        <source>Indexing stopped: it resumes from where it stopped next time.</source>
        <translation>Indexation arrêtée : elle reprendra là où elle s&apos;est arrêtée.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="184"/>
        <source>Indexed in %1: %2 added, %3 changed, %4 removed, %5 errors.</source>
        <translation>Indexé en %1 : %2 ajoutés, %3 modifiés, %4 retirés, %5 erreurs.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="192"/>
        <source>OCR: %1 pages recognised.</source>
        <translation>OCR : %1 pages reconnues.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="196"/>
        <source>%1 scanned pages await OCR.</source>
        <translation>%1 pages numérisées attendent l&apos;OCR.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="198"/>
        <source>%1 scanned pages could not be read.</source>
        <translation>%1 pages numérisées n&apos;ont pas pu être lues.</translation>
    </message>
</context>
<context>
    <name>ResultsModel</name>
    <message>
        <location filename="../../arbiter_desktop/ui/results_model.py" line="78"/>
        <source>page %1</source>
        <translation>page %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/results_model.py" line="80"/>
        <source>recognised text (OCR), confidence %1 %</source>
        <translation>texte reconnu (OCR), confiance %1 %</translation>
    </message>
    <message numerus="yes">
        <location filename="../../arbiter_desktop/ui/results_model.py" line="83"/>
        <source>%n other copies</source>
        <translation>
            <numerusform>%n autre copie</numerusform>
            <numerusform>%n autres copies</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/results_model.py" line="87"/>
        <source>words: %1</source>
        <translation>mots : %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/results_model.py" line="89"/>
        <source>expansion: %1</source>
        <translation>extension : %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/results_model.py" line="91"/>
        <source>close in meaning (underlined)</source>
        <translation>proche par le sens (souligné)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/results_model.py" line="93"/>
        <source>by meaning</source>
        <translation>par le sens</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/results_model.py" line="99"/>
        <source>score %1</source>
        <translation>score %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/results_model.py" line="103"/>
        <source>meaning %1</source>
        <translation>sens %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/results_model.py" line="105"/>
        <source>rerank %1</source>
        <translation>reclassement %1</translation>
    </message>
</context>
<context>
    <name>SearchWorker</name>
    <message>
        <location filename="../../arbiter_desktop/ui/search_worker.py" line="140"/>
        <source>The settings could not be saved: %1</source>
        <translation>Les paramètres n&apos;ont pas pu être enregistrés : %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/search_worker.py" line="166"/>
        <source>No case is open.</source>
        <translation>Aucune affaire n&apos;est ouverte.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/search_worker.py" line="220"/>
        <source>The search could not be recorded in the audit log: %1</source>
        <translation>La recherche n&apos;a pas pu être inscrite au journal d&apos;audit : %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/search_worker.py" line="226"/>
        <source>Search again before exporting: these results are no longer current.</source>
        <translation>Relancez la recherche avant d&apos;exporter : ces résultats ne sont plus à jour.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/search_worker.py" line="261"/>
        <source>Search again before tagging: these results are no longer current.</source>
        <translation>Relancez la recherche avant d&apos;étiqueter : ces résultats ne sont plus à jour.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="53"/>
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="60"/>
        <source>Models</source>
        <translation>Modèles</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="61"/>
        <source>General</source>
        <translation>Général</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="62"/>
        <source>OCR</source>
        <translation>OCR</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="63"/>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="233"/>
        <source>Case lexicon</source>
        <translation>Lexique de l&apos;affaire</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="78"/>
        <source>Default (%1)</source>
        <translation>Par défaut (%1)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="84"/>
        <source>The one installed, if any</source>
        <translation>Celui qui est installé, s&apos;il y en a un</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="89"/>
        <source>Index and search by meaning (semantic)</source>
        <translation>Indexer et rechercher par le sens (sémantique)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="96"/>
        <source>Models are files in %1. Changing the embedding model of a case re-embeds every passage, which can take hours; the previous vectors are kept until you confirm.</source>
        <translation>Les modèles sont des fichiers dans %1. Changer le modèle sémantique d&apos;une affaire recalcule tous ses passages, ce qui peut prendre des heures ; les vecteurs précédents sont conservés tant que vous n&apos;avez pas confirmé.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="101"/>
        <source>Embedding model</source>
        <translation>Modèle sémantique</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="102"/>
        <source>Reranker</source>
        <translation>Reclassement</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="104"/>
        <source>Model threads</source>
        <translation>Threads des modèles</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="107"/>
        <source>No embedding model is installed: search is full-text only. Run `make setup`.</source>
        <translation>Aucun modèle sémantique n&apos;est installé : la recherche porte sur le texte seulement. Lancez `make setup`.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="116"/>
        <source>Name and rank, written in exports and in the audit log</source>
        <translation>Nom et grade, inscrits dans les exports et le journal d&apos;audit</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="121"/>
        <source>Operator</source>
        <translation>Opérateur</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="122"/>
        <source>Language (at next start)</source>
        <translation>Langue (au prochain démarrage)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="128"/>
        <source>Recognise the text of scanned pages and photos of pages (OCR)</source>
        <translation>Reconnaître le texte des pages numérisées et des photos de pages (OCR)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="132"/>
        <source>French</source>
        <translation>Français</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="133"/>
        <source>French and English (slower)</source>
        <translation>Français et anglais (plus lent)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="134"/>
        <source>English</source>
        <translation>Anglais</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="143"/>
        <source>Scanned pages are recognised after the text of the other documents, so those are searchable first. Pages beyond the limit wait until it is raised (then index again).</source>
        <translation>Les pages numérisées sont reconnues après le texte des autres documents, qui sont donc cherchables d&apos;abord. Les pages au-delà de la limite attendent qu&apos;elle soit relevée (puis indexer à nouveau).</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="149"/>
        <source>Languages</source>
        <translation>Langues</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="150"/>
        <source>Most pages per document</source>
        <translation>Pages au plus par document</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="159"/>
        <source>Words of this case and what they also mean (nicknames, code words, places). A search for the term also finds its variants; separate variants with |.</source>
        <translation>Les mots propres à cette affaire et ce qu&apos;ils désignent aussi (surnoms, mots codés, lieux). Une recherche du terme trouve aussi ses variantes ; séparez les variantes par |.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="166"/>
        <source>Term</source>
        <translation>Terme</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="166"/>
        <source>Variants</source>
        <translation>Variantes</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="166"/>
        <source>Category</source>
        <translation>Catégorie</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="166"/>
        <source>Note</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="172"/>
        <source>Add a term</source>
        <translation>Ajouter un terme</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="173"/>
        <source>Remove selected</source>
        <translation>Retirer la sélection</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="188"/>
        <source>%1 — %2 MB on disk, about %3 MB of memory</source>
        <translation>%1 — %2 Mo sur disque, environ %3 Mo de mémoire</translation>
    </message>
</context>
<context>
    <name>SourcesPanel</name>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="211"/>
        <source>Drop folders or files anywhere on the window to add them to the case.</source>
        <translation>Déposez des dossiers ou des fichiers n&apos;importe où sur la fenêtre pour les ajouter à l&apos;affaire.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="214"/>
        <source>Folder</source>
        <translation>Dossier</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="214"/>
        <source>Files</source>
        <translation>Fichiers</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="214"/>
        <source>Indexed</source>
        <translation>Indexés</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="214"/>
        <source>Errors</source>
        <translation>Erreurs</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="221"/>
        <source>Files not indexed</source>
        <translation>Fichiers non indexés</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="223"/>
        <source>File</source>
        <translation>Fichier</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="223"/>
        <source>Reason</source>
        <translation>Motif</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="250"/>
        <source>Files not indexed (%1)</source>
        <translation>Fichiers non indexés (%1)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="255"/>
        <source>Remove the password in a working copy, then add that copy to the case.</source>
        <translation>Retirez le mot de passe dans une copie de travail, puis ajoutez cette copie à l&apos;affaire.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="256"/>
        <source>A format the app does not read: convert it in a working copy.</source>
        <translation>Format non lu par l&apos;application : convertissez-le dans une copie de travail.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="257"/>
        <source>Damaged or truncated: get an intact copy from its source.</source>
        <translation>Endommagé ou tronqué : obtenez une copie intacte auprès de sa source.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="258"/>
        <source>No text in it (blank, or scanned images only).</source>
        <translation>Aucun texte (document vide, ou images numérisées seulement).</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="259"/>
        <source>Over a size or count limit: split it, or raise the limit in the settings.</source>
        <translation>Au-delà d&apos;une limite de taille ou de nombre : découpez-le, ou relevez la limite dans les paramètres.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="260"/>
        <source>Too slow to read: raise the time limit, or split the file.</source>
        <translation>Trop long à lire : relevez la limite de temps, ou découpez le fichier.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="261"/>
        <source>Needed too much memory: raise the memory limit, or split the file.</source>
        <translation>Trop de mémoire nécessaire : relevez la limite de mémoire, ou découpez le fichier.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="262"/>
        <source>Check its permissions and that its drive is connected, then index again.</source>
        <translation>Vérifiez ses droits et que son disque est branché, puis indexez à nouveau.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="263"/>
        <source>It was being written: index again once it is complete.</source>
        <translation>Il était en cours d&apos;écriture : indexez à nouveau une fois qu&apos;il est complet.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="265"/>
        <source>Refused for safety (bomb, nested archives, a name leaving its archive): examine it apart.</source>
        <translation>Refusé par sécurité (bombe, archives imbriquées, nom sortant de l&apos;archive) : examinez-le à part.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="272"/>
        <source>unsupported format</source>
        <translation>format non pris en charge</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="273"/>
        <source>encrypted</source>
        <translation>chiffré</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="274"/>
        <source>damaged</source>
        <translation>endommagé</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="275"/>
        <source>no text</source>
        <translation>aucun texte</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="276"/>
        <source>too large</source>
        <translation>trop volumineux</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="277"/>
        <source>too slow to read</source>
        <translation>lecture trop longue</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="278"/>
        <source>too much memory</source>
        <translation>mémoire excessive</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="279"/>
        <source>unreadable</source>
        <translation>illisible</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="280"/>
        <source>rejected for safety</source>
        <translation>rejeté par sécurité</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="281"/>
        <source>changed while read</source>
        <translation>modifié pendant la lecture</translation>
    </message>
</context>
</TS>
