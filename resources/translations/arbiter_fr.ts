<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>EntitiesModel</name>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="82"/>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="82"/>
        <source>Entity</source>
        <translation>Entité</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="82"/>
        <source>Documents</source>
        <translation>Documents</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="82"/>
        <source>Occurrences</source>
        <translation>Occurrences</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="116"/>
        <source>Its check digit is wrong: written so in the documents.</source>
        <translation>Sa clé de contrôle est fausse : écrit ainsi dans les documents.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="118"/>
        <source>%1 — normalised: %2 — click to show the documents that hold it</source>
        <translation>%1 — forme normalisée : %2 — cliquer pour afficher les documents qui la contiennent</translation>
    </message>
</context>
<context>
    <name>EntitiesPanel</name>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="166"/>
        <source>Entity type</source>
        <translation>Type d&apos;entité</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="169"/>
        <source>Find an entity…</source>
        <translation>Chercher une entité…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="191"/>
        <source>Found together…</source>
        <translation>Trouvées ensemble…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="192"/>
        <source>Which entities occur in the same documents</source>
        <translation>Les entités présentes dans les mêmes documents</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="194"/>
        <source>Export…</source>
        <translation>Exporter…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="195"/>
        <source>Export the entity table to PDF and/or CSV for the case file</source>
        <translation>Exporter le tableau des entités en PDF et/ou CSV pour le dossier de procédure</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="220"/>
        <source>All types (%1)</source>
        <translation>Tous les types (%1)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="229"/>
        <source>The %1 most widespread of %2 entities (export for all of them).</source>
        <translation>Les %1 entités les plus répandues sur %2 (l&apos;export les contient toutes).</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="234"/>
        <source>No entity yet: phones, e-mails, IBANs, plates… appear here once indexed.</source>
        <translation>Aucune entité pour l&apos;instant : téléphones, courriels, IBAN, immatriculations… apparaissent ici une fois indexés.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="236"/>
        <source>Click an entity to show the documents that hold it.</source>
        <translation>Cliquer sur une entité pour afficher les documents qui la contiennent.</translation>
    </message>
</context>
<context>
    <name>EntityTypes</name>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="54"/>
        <source>Phone</source>
        <translation>Téléphone</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="55"/>
        <source>E-mail</source>
        <translation>Courriel</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="56"/>
        <source>IBAN</source>
        <translation>IBAN</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="57"/>
        <source>Plate</source>
        <translation>Immatriculation</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="58"/>
        <source>IMEI</source>
        <translation>IMEI</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="59"/>
        <source>SIREN</source>
        <translation>SIREN</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="60"/>
        <source>SIRET</source>
        <translation>SIRET</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="61"/>
        <source>IP address</source>
        <translation>Adresse IP</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="62"/>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="63"/>
        <source>Amount</source>
        <translation>Montant</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="64"/>
        <source>Person</source>
        <translation>Personne</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="65"/>
        <source>Place</source>
        <translation>Lieu</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="66"/>
        <source>Number</source>
        <translation>Nombre</translation>
    </message>
</context>
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
        <location filename="../../arbiter_desktop/ui/main_window.py" line="145"/>
        <source>The original cannot be opened: %1</source>
        <translation>L&apos;original ne peut pas être ouvert : %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="198"/>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="202"/>
        <source>Case</source>
        <translation>Affaire</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="207"/>
        <source>New case…</source>
        <translation>Nouvelle affaire…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="210"/>
        <source>Open case…</source>
        <translation>Ouvrir une affaire…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="213"/>
        <source>Add folders…</source>
        <translation>Ajouter des dossiers…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="216"/>
        <source>Look for changes in the sources</source>
        <translation>Rechercher les modifications des sources</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="219"/>
        <source>Settings…</source>
        <translation>Paramètres…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="222"/>
        <source>Term lists…</source>
        <translation>Listes de termes…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="224"/>
        <source>Run a list of names, numbers and words against the whole case</source>
        <translation>Chercher une liste de noms, numéros et mots dans toute l&apos;affaire</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="229"/>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="235"/>
        <source>Export the results…</source>
        <translation>Exporter les résultats…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="250"/>
        <source>Search the case… e.g. rdv gare, GAV prolongée, ZZ-417-XK</source>
        <translation>Rechercher dans l&apos;affaire… ex. rdv gare, GAV prolongée, ZZ-417-XK</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="258"/>
        <source>Hybrid (words + meaning)</source>
        <translation>Hybride (mots + sens)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="259"/>
        <source>Hybrid + reranking</source>
        <translation>Hybride + reclassement</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="260"/>
        <source>Text</source>
        <translation>Texte</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="261"/>
        <source>Meaning</source>
        <translation>Sens</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="264"/>
        <source>Search mode</source>
        <translation>Mode de recherche</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="267"/>
        <source>All types</source>
        <translation>Tous les types</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="273"/>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="508"/>
        <source>All folders</source>
        <translation>Tous les dossiers</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="275"/>
        <source>Documents dated from</source>
        <translation>Documents datés à partir du</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="276"/>
        <source>Documents dated until</source>
        <translation>Documents datés jusqu&apos;au</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="277"/>
        <source>Expansions</source>
        <translation>Extensions</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="279"/>
        <source>Also search abbreviations, synonyms and slang from the lexicons</source>
        <translation>Chercher aussi les abréviations, synonymes et termes d&apos;argot des lexiques</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="285"/>
        <source>Filters:</source>
        <translation>Filtres :</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="286"/>
        <source>from</source>
        <translation>du</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="286"/>
        <source>to</source>
        <translation>au</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="291"/>
        <source>Only documents holding this entity; click to remove the filter</source>
        <translation>Seulement les documents qui contiennent cette entité ; cliquer pour retirer le filtre</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="340"/>
        <source>Indexing</source>
        <translation>Indexation</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="343"/>
        <source>Sources</source>
        <translation>Sources</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="344"/>
        <source>Entities</source>
        <translation>Entités</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="378"/>
        <source>Ready</source>
        <translation>Prêt</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="400"/>
        <source>Recent cases</source>
        <translation>Affaires récentes</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="417"/>
        <source>Indexing in progress</source>
        <translation>Indexation en cours</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="418"/>
        <source>Indexing of this case is in progress. Stop it (it resumes next time) and switch case?</source>
        <translation>L&apos;indexation de cette affaire est en cours. L&apos;arrêter (elle reprendra la prochaine fois) et changer d&apos;affaire ?</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="423"/>
        <source>No indexing in progress.</source>
        <translation>Aucune indexation en cours.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="428"/>
        <source>Opening %1…</source>
        <translation>Ouverture de %1…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="434"/>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="443"/>
        <source>New case</source>
        <translation>Nouvelle affaire</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="434"/>
        <source>Case name (e.g. 2026-1234 STUPS Nord):</source>
        <translation>Nom de l&apos;affaire (ex. 2026-1234 STUPS Nord) :</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="437"/>
        <source>Folder where the case is kept</source>
        <translation>Dossier où conserver l&apos;affaire</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="443"/>
        <source>%1 exists and is not empty.</source>
        <translation>%1 existe et n&apos;est pas vide.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="449"/>
        <source>Open a case folder</source>
        <translation>Ouvrir le dossier d&apos;une affaire</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="454"/>
        <source>Folder to add to the case</source>
        <translation>Dossier à ajouter à l&apos;affaire</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="473"/>
        <source>Resuming the indexing that was interrupted…</source>
        <translation>Reprise de l&apos;indexation interrompue…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="483"/>
        <source>No case open</source>
        <translation>Aucune affaire ouverte</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="484"/>
        <source>Cannot open the case</source>
        <translation>Impossible d&apos;ouvrir l&apos;affaire</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="490"/>
        <source>indexing</source>
        <translation>indexation en cours</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="490"/>
        <source>up to date</source>
        <translation>à jour</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="492"/>
        <source>Case: %1 — %2 documents · %3 errors · semantic coverage %4 · %5</source>
        <translation>Affaire : %1 — %2 documents · %3 erreurs · couverture sémantique %4 · %5</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="499"/>
        <source>%1 scanned pages awaiting OCR</source>
        <translation>%1 pages numérisées en attente d&apos;OCR</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="548"/>
        <source>Added to the case: %1</source>
        <translation>Ajouté à l&apos;affaire : %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="582"/>
        <source>Indexing failed.</source>
        <translation>L&apos;indexation a échoué.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="584"/>
        <source>Indexing failed</source>
        <translation>Échec de l&apos;indexation</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="657"/>
        <source>Searching…</source>
        <translation>Recherche…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="670"/>
        <source>meaning searched in %1 % of the case (indexing goes on)</source>
        <translation>sens recherché dans %1 % de l&apos;affaire (l&apos;indexation continue)</translation>
    </message>
    <message numerus="yes">
        <location filename="../../arbiter_desktop/ui/main_window.py" line="674"/>
        <source>%n result(s)</source>
        <translation>
            <numerusform>%n résultat</numerusform>
            <numerusform>%n résultats</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="676"/>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="681"/>
        <source>No result for this search.</source>
        <translation>Aucun résultat pour cette recherche.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="724"/>
        <source>no reranker installed: the full mode ranks as hybrid</source>
        <translation>aucun reclasseur installé : le mode complet classe comme le mode hybride</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="730"/>
        <source>Search failed: %1</source>
        <translation>La recherche a échoué : %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="785"/>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="790"/>
        <source>relevant</source>
        <translation>pertinent</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="785"/>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="790"/>
        <source>to check</source>
        <translation>à vérifier</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="786"/>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="791"/>
        <source>Tag “%1”</source>
        <translation>Étiqueter « %1 »</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="793"/>
        <source>Other tag…</source>
        <translation>Autre étiquette…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="796"/>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="817"/>
        <source>Export the selected results…</source>
        <translation>Exporter les résultats sélectionnés…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="801"/>
        <source>Tag</source>
        <translation>Étiquette</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="801"/>
        <source>Tag for the selected results:</source>
        <translation>Étiquette pour les résultats sélectionnés :</translation>
    </message>
    <message numerus="yes">
        <location filename="../../arbiter_desktop/ui/main_window.py" line="811"/>
        <source>%n result(s) tagged “%1”</source>
        <translation>
            <numerusform>%n résultat étiqueté « %1 »</numerusform>
            <numerusform>%n résultats étiquetés « %1 »</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="821"/>
        <source>Export a tag</source>
        <translation>Exporter une étiquette</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="828"/>
        <source>PDF and CSV (*.pdf)</source>
        <translation>PDF et CSV (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="828"/>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="828"/>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="831"/>
        <source>Export for the case file</source>
        <translation>Exporter pour le dossier de procédure</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="853"/>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="859"/>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="1015"/>
        <source>Exporting…</source>
        <translation>Export en cours…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="863"/>
        <source>Exported: %1 (SHA-256 in the audit log)</source>
        <translation>Exporté : %1 (SHA-256 inscrite au journal d&apos;audit)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="881"/>
        <source>Change the embedding model</source>
        <translation>Changer de modèle sémantique</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="883"/>
        <source>Every passage of the case will be embedded again with the new model, which can take hours; meanwhile search by meaning covers only what is done. Continue?</source>
        <translation>Tous les passages de l&apos;affaire seront recalculés avec le nouveau modèle, ce qui peut prendre des heures ; en attendant, la recherche par le sens ne couvre que ce qui est fait. Continuer ?</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="894"/>
        <source>The language changes at the next start.</source>
        <translation>La langue change au prochain démarrage.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="946"/>
        <source>Term list «%1» run: %2 terms in %3 s.</source>
        <translation>Liste de termes « %1 » exécutée : %2 termes en %3 s.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="968"/>
        <source>Entity: %1 ✕</source>
        <translation>Entité : %1 ✕</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="1009"/>
        <source>entities</source>
        <translation>entités</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="1009"/>
        <source>entities found together</source>
        <translation>entités trouvées ensemble</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/main_window.py" line="1011"/>
        <source>term list %1</source>
        <translation>liste de termes %1</translation>
    </message>
</context>
<context>
    <name>PairsDialog</name>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="300"/>
        <source>Entities found together</source>
        <translation>Entités trouvées ensemble</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="321"/>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="324"/>
        <source>Export…</source>
        <translation>Exporter…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="337"/>
        <source>%1 pairs of entities found in the same documents. Click an entity to show its documents.</source>
        <translation>%1 paires d&apos;entités trouvées dans les mêmes documents. Cliquer sur une entité pour afficher ses documents.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="341"/>
        <source>No two entities occur in the same document.</source>
        <translation>Aucune paire d&apos;entités dans un même document.</translation>
    </message>
</context>
<context>
    <name>PairsModel</name>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="259"/>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="259"/>
        <source>Entity</source>
        <translation>Entité</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/entities_panel.py" line="259"/>
        <source>Documents</source>
        <translation>Documents</translation>
    </message>
</context>
<context>
    <name>PasteDialog</name>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="103"/>
        <source>Paste a term list</source>
        <translation>Coller une liste de termes</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="106"/>
        <source>Name of the list (e.g. numéros FADET)</source>
        <translation>Nom de la liste (ex. numéros FADET)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="108"/>
        <source>One term a line: a name, a number, a plate, a phrase in quotes…</source>
        <translation>Un terme par ligne : un nom, un numéro, une immatriculation, une expression entre guillemets…</translation>
    </message>
</context>
<context>
    <name>PreviewPane</name>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="47"/>
        <location filename="../../arbiter_desktop/ui/preview.py" line="90"/>
        <source>Select a result to read the document.</source>
        <translation>Sélectionnez un résultat pour lire le document.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="52"/>
        <source>◀ Previous</source>
        <translation>◀ Précédent</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="53"/>
        <source>Previous match (Shift+F3)</source>
        <translation>Occurrence précédente (Maj+F3)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="54"/>
        <source>Next ▶</source>
        <translation>Suivant ▶</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="55"/>
        <source>Next match (F3)</source>
        <translation>Occurrence suivante (F3)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="57"/>
        <location filename="../../arbiter_desktop/ui/preview.py" line="116"/>
        <source>PDF page</source>
        <translation>Page PDF</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="59"/>
        <source>Show the PDF page as printed</source>
        <translation>Afficher la page PDF telle qu&apos;imprimée</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="60"/>
        <source>Open original</source>
        <translation>Ouvrir l&apos;original</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="61"/>
        <source>Opens a read-only copy in the system viewer; the source is not touched</source>
        <translation>Ouvre une copie en lecture seule dans la visionneuse du système ; la source n&apos;est pas touchée</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="100"/>
        <source>This document is no longer in the case.</source>
        <translation>Ce document ne fait plus partie de l&apos;affaire.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="116"/>
        <source>Image</source>
        <translation>Image</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="135"/>
        <source>The page cannot be shown: %1</source>
        <translation>La page ne peut pas être affichée : %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="173"/>
        <source>Extract: characters %1 to %2 of %3.</source>
        <translation>Extrait : caractères %1 à %2 sur %3.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="209"/>
        <source>page %1</source>
        <translation>page %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="212"/>
        <source>recognised text (OCR), confidence %1 %</source>
        <translation>texte reconnu (OCR), confiance %1 %</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/preview.py" line="214"/>
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
        <location filename="../../arbiter_desktop/ui/widgets.py" line="151"/>
        <source>Recognising scanned pages (OCR)</source>
        <translation>Reconnaissance des pages numérisées (OCR)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="152"/>
        <source>OCR %1/%2 pages</source>
        <translation>OCR %1/%2 pages</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="157"/>
        <source>Reading badly recognised documents with the case&apos;s spelling</source>
        <translation>Relecture des documents mal reconnus avec l&apos;orthographe du dossier</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="159"/>
        <source>%1 / %2 documents checked</source>
        <translation>%1 / %2 documents vérifiés</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="162"/>
        <source>Finding the names of people and places</source>
        <translation>Recherche des noms de personnes et de lieux</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="164"/>
        <source>%1 / %2 documents read</source>
        <translation>%1 / %2 documents lus</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="167"/>
        <source>Semantic indexing (search by meaning)</source>
        <translation>Indexation sémantique (recherche par le sens)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="169"/>
        <source>%1 / %2 passages · %3 passages/s · searchable by meaning in %4</source>
        <translation>%1 / %2 passages · %3 passages/s · consultable par le sens dans %4</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="178"/>
        <source>%1 / %2 files · %3 files/s · %4 MB of text · %5 errors</source>
        <translation>%1 / %2 fichiers · %3 fichiers/s · %4 Mo de texte · %5 erreurs</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="185"/>
        <source>Searchable by words in %1</source>
        <translation>Consultable par les mots dans %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="187"/>
        <source>, by meaning in %1</source>
        <translation>, par le sens dans %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="194"/>
        <source>… (measuring the pace)</source>
        <translation>… (mesure du rythme en cours)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="195"/>
        <source>about %1</source>
        <translation>environ %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="216"/>
        <source>%1 scanned pages could not be read.</source>
        <translation>%1 pages numérisées n&apos;ont pas pu être lues.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="220"/>
        <source>Names of people and places not read: the French NER model is missing.</source>
        <translation>Noms de personnes et de lieux non lus : le modèle français de reconnaissance des noms manque.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="176"/>
        <source>Text indexing</source>
        <translation>Indexation du texte</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="199"/>
        <source>Indexing stopped: it resumes from where it stopped next time.</source>
        <translation>Indexation arrêtée : elle reprendra là où elle s&apos;est arrêtée.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="202"/>
        <source>Indexed in %1: %2 added, %3 changed, %4 removed, %5 errors.</source>
        <translation>Indexé en %1 : %2 ajoutés, %3 modifiés, %4 retirés, %5 erreurs.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="210"/>
        <source>OCR: %1 pages recognised.</source>
        <translation>OCR : %1 pages reconnues.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="214"/>
        <source>%1 scanned pages await OCR.</source>
        <translation>%1 pages numérisées attendent l&apos;OCR.</translation>
    </message>
</context>
<context>
    <name>ResultsModel</name>
    <message>
        <location filename="../../arbiter_desktop/ui/results_model.py" line="85"/>
        <source>page %1</source>
        <translation>page %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/results_model.py" line="87"/>
        <source>recognised text (OCR), confidence %1 %</source>
        <translation>texte reconnu (OCR), confiance %1 %</translation>
    </message>
    <message numerus="yes">
        <location filename="../../arbiter_desktop/ui/results_model.py" line="90"/>
        <source>%n other copies</source>
        <translation>
            <numerusform>%n autre copie</numerusform>
            <numerusform>%n autres copies</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/results_model.py" line="93"/>
        <source>also in: %1</source>
        <translation>aussi dans : %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/results_model.py" line="97"/>
        <source>words: %1</source>
        <translation>mots : %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/results_model.py" line="99"/>
        <source>expansion: %1</source>
        <translation>extension : %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/results_model.py" line="101"/>
        <source>close in meaning (underlined)</source>
        <translation>proche par le sens (souligné)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/results_model.py" line="103"/>
        <source>by meaning</source>
        <translation>par le sens</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/results_model.py" line="109"/>
        <source>score %1</source>
        <translation>score %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/results_model.py" line="113"/>
        <source>meaning %1</source>
        <translation>sens %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/results_model.py" line="115"/>
        <source>rerank %1</source>
        <translation>reclassement %1</translation>
    </message>
</context>
<context>
    <name>SearchWorker</name>
    <message>
        <location filename="../../arbiter_desktop/ui/search_worker.py" line="143"/>
        <source>The settings could not be saved: %1</source>
        <translation>Les paramètres n&apos;ont pas pu être enregistrés : %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/search_worker.py" line="171"/>
        <source>No case is open.</source>
        <translation>Aucune affaire n&apos;est ouverte.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/search_worker.py" line="251"/>
        <location filename="../../arbiter_desktop/ui/search_worker.py" line="263"/>
        <source>The search could not be recorded in the audit log: %1</source>
        <translation>La recherche n&apos;a pas pu être inscrite au journal d&apos;audit : %1</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/search_worker.py" line="252"/>
        <source>the case changed since; search again</source>
        <translation>le dossier a changé depuis ; relancez la recherche</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/search_worker.py" line="269"/>
        <source>Search again before exporting: these results are no longer current.</source>
        <translation>Relancez la recherche avant d&apos;exporter : ces résultats ne sont plus à jour.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/search_worker.py" line="304"/>
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
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="245"/>
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
        <source>Model threads (searches)</source>
        <translation>Threads du modèle (recherches)</translation>
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
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="123"/>
        <source>All but one (%1)</source>
        <translation>Tous sauf un (%1)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="127"/>
        <source>Extraction processes, then embedding models: one per core, each in a process of its own, as many as memory allows. One core stays free for the window and searches.</source>
        <translation>Processus d&apos;extraction, puis modèles de sens : un par cœur, chacun dans son propre processus, autant que la mémoire le permet. Un cœur reste libre pour la fenêtre et les recherches.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="131"/>
        <source>Operator</source>
        <translation>Opérateur</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="132"/>
        <source>Language (at next start)</source>
        <translation>Langue (au prochain démarrage)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="133"/>
        <source>Cores for indexing</source>
        <translation>Cœurs pour l&apos;indexation</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="139"/>
        <source>Recognise the text of scanned pages and photos of pages (OCR)</source>
        <translation>Reconnaître le texte des pages numérisées et des photos de pages (OCR)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="143"/>
        <source>French</source>
        <translation>Français</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="144"/>
        <source>French and English (slower)</source>
        <translation>Français et anglais (plus lent)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="145"/>
        <source>English</source>
        <translation>Anglais</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="154"/>
        <source>Scanned pages are recognised after the text of the other documents, so those are searchable first. Pages beyond the limit wait until it is raised (then index again).</source>
        <translation>Les pages numérisées sont reconnues après le texte des autres documents, qui sont donc cherchables d&apos;abord. Les pages au-delà de la limite attendent qu&apos;elle soit relevée (puis indexer à nouveau).</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="160"/>
        <source>Languages</source>
        <translation>Langues</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="161"/>
        <source>Most pages per document</source>
        <translation>Pages au plus par document</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="170"/>
        <source>Words of this case and what they also mean (nicknames, code words, places). A search for the term also finds its variants; separate variants with |.</source>
        <translation>Les mots propres à cette affaire et ce qu&apos;ils désignent aussi (surnoms, mots codés, lieux). Une recherche du terme trouve aussi ses variantes ; séparez les variantes par |.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="177"/>
        <source>Term</source>
        <translation>Terme</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="177"/>
        <source>Variants</source>
        <translation>Variantes</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="177"/>
        <source>Category</source>
        <translation>Catégorie</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="177"/>
        <source>Note</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="183"/>
        <source>Add a term</source>
        <translation>Ajouter un terme</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="184"/>
        <source>Remove selected</source>
        <translation>Retirer la sélection</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/settings_dialog.py" line="199"/>
        <source>%1 — %2 MB on disk, about %3 MB of memory</source>
        <translation>%1 — %2 Mo sur disque, environ %3 Mo de mémoire</translation>
    </message>
</context>
<context>
    <name>SourcesPanel</name>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="231"/>
        <source>Drop folders or files anywhere on the window to add them to the case.</source>
        <translation>Déposez des dossiers ou des fichiers n&apos;importe où sur la fenêtre pour les ajouter à l&apos;affaire.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="234"/>
        <source>Folder</source>
        <translation>Dossier</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="234"/>
        <source>Files</source>
        <translation>Fichiers</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="234"/>
        <source>Indexed</source>
        <translation>Indexés</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="234"/>
        <source>Errors</source>
        <translation>Erreurs</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="241"/>
        <source>Files not indexed</source>
        <translation>Fichiers non indexés</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="243"/>
        <source>File</source>
        <translation>Fichier</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="243"/>
        <source>Reason</source>
        <translation>Motif</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="270"/>
        <source>Files not indexed (%1)</source>
        <translation>Fichiers non indexés (%1)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="275"/>
        <source>Remove the password in a working copy, then add that copy to the case.</source>
        <translation>Retirez le mot de passe dans une copie de travail, puis ajoutez cette copie à l&apos;affaire.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="276"/>
        <source>A format the app does not read: convert it in a working copy.</source>
        <translation>Format non lu par l&apos;application : convertissez-le dans une copie de travail.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="277"/>
        <source>Damaged or truncated: get an intact copy from its source.</source>
        <translation>Endommagé ou tronqué : obtenez une copie intacte auprès de sa source.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="278"/>
        <source>No text in it (blank, or scanned images only).</source>
        <translation>Aucun texte (document vide, ou images numérisées seulement).</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="279"/>
        <source>Over a size or count limit: split it, or raise the limit in the settings.</source>
        <translation>Au-delà d&apos;une limite de taille ou de nombre : découpez-le, ou relevez la limite dans les paramètres.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="280"/>
        <source>Too slow to read: raise the time limit, or split the file.</source>
        <translation>Trop long à lire : relevez la limite de temps, ou découpez le fichier.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="281"/>
        <source>Needed too much memory: raise the memory limit, or split the file.</source>
        <translation>Trop de mémoire nécessaire : relevez la limite de mémoire, ou découpez le fichier.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="282"/>
        <source>Check its permissions and that its drive is connected, then index again.</source>
        <translation>Vérifiez ses droits et que son disque est branché, puis indexez à nouveau.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="283"/>
        <source>It was being written: index again once it is complete.</source>
        <translation>Il était en cours d&apos;écriture : indexez à nouveau une fois qu&apos;il est complet.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="285"/>
        <source>Refused for safety (bomb, nested archives, a name leaving its archive): examine it apart.</source>
        <translation>Refusé par sécurité (bombe, archives imbriquées, nom sortant de l&apos;archive) : examinez-le à part.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="292"/>
        <source>unsupported format</source>
        <translation>format non pris en charge</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="293"/>
        <source>encrypted</source>
        <translation>chiffré</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="294"/>
        <source>damaged</source>
        <translation>endommagé</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="295"/>
        <source>no text</source>
        <translation>aucun texte</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="296"/>
        <source>too large</source>
        <translation>trop volumineux</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="297"/>
        <source>too slow to read</source>
        <translation>lecture trop longue</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="298"/>
        <source>too much memory</source>
        <translation>mémoire excessive</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="299"/>
        <source>unreadable</source>
        <translation>illisible</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="300"/>
        <source>rejected for safety</source>
        <translation>rejeté par sécurité</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/widgets.py" line="301"/>
        <source>changed while read</source>
        <translation>modifié pendant la lecture</translation>
    </message>
</context>
<context>
    <name>TermListDialog</name>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="130"/>
        <source>Term lists</source>
        <translation>Listes de termes</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="135"/>
        <source>Lists saved in this case</source>
        <translation>Listes enregistrées dans cette affaire</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="137"/>
        <source>Import a file…</source>
        <translation>Importer un fichier…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="138"/>
        <source>A TXT file (one term a line) or a CSV file (term;label)</source>
        <translation>Un fichier TXT (un terme par ligne) ou CSV (terme;libellé)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="140"/>
        <source>Paste a list…</source>
        <translation>Coller une liste…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="142"/>
        <source>Expansions</source>
        <translation>Extensions</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="144"/>
        <source>Also search the abbreviations, synonyms and slang of the lexicons</source>
        <translation>Chercher aussi les abréviations, synonymes et termes d&apos;argot des lexiques</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="146"/>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="320"/>
        <source>Run</source>
        <translation>Exécuter</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="149"/>
        <source>Export…</source>
        <translation>Exporter…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="150"/>
        <source>Export the table to PDF and/or CSV, with the list&apos;s SHA-256</source>
        <translation>Exporter le tableau en PDF et/ou CSV, avec la SHA-256 de la liste</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="152"/>
        <source>Import or paste a list of terms, then run it against the whole case.</source>
        <translation>Importer ou coller une liste de termes, puis l&apos;exécuter sur toute l&apos;affaire.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="177"/>
        <source>List:</source>
        <translation>Liste :</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="202"/>
        <source>(choose a saved list)</source>
        <translation>(choisir une liste enregistrée)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="202"/>
        <source>(no list saved in this case)</source>
        <translation>(aucune liste enregistrée dans cette affaire)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="220"/>
        <source>%1 terms: not run yet.</source>
        <translation>%1 termes : pas encore exécutée.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="227"/>
        <source>Run again</source>
        <translation>Exécuter à nouveau</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="234"/>
        <source>%1 of %2 terms have hits; %3 have none (greyed).</source>
        <translation>%1 termes sur %2 ont des résultats ; %3 n&apos;en ont aucun (en gris).</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="239"/>
        <source>Since the run of %1, documents matched: +%2, −%3 (rows in colour).</source>
        <translation>Depuis l&apos;exécution du %1, documents trouvés : +%2, −%3 (lignes en couleur).</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="243"/>
        <source>Run in %1 s, saved in the case.</source>
        <translation>Exécutée en %1 s, enregistrée dans l&apos;affaire.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="245"/>
        <source>Last run: %1.</source>
        <translation>Dernière exécution : %1.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="256"/>
        <source>Import a term list</source>
        <translation>Importer une liste de termes</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="256"/>
        <source>Term lists (*.txt *.csv *.tsv);;All files (*)</source>
        <translation>Listes de termes (*.txt *.csv *.tsv);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="267"/>
        <source>Paste a term list</source>
        <translation>Coller une liste de termes</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="267"/>
        <source>Name of the list:</source>
        <translation>Nom de la liste :</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="288"/>
        <source>Running %1 terms against the whole case…</source>
        <translation>Exécution de %1 termes sur toute l&apos;affaire…</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="306"/>
        <source>pasted</source>
        <translation>collée</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="307"/>
        <source>with expansions</source>
        <translation>avec extensions</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="307"/>
        <source>without expansions</source>
        <translation>sans extension</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="309"/>
        <source>«%1»: %2 terms, %3 — from %4 — SHA-256 %5</source>
        <translation>« %1 » : %2 termes, %3 — source : %4 — SHA-256 %5</translation>
    </message>
</context>
<context>
    <name>TermResultsModel</name>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="52"/>
        <source>Term</source>
        <translation>Terme</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="52"/>
        <source>Label</source>
        <translation>Libellé</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="52"/>
        <source>Documents</source>
        <translation>Documents</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="52"/>
        <source>Hits</source>
        <translation>Passages</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="68"/>
        <source>New</source>
        <translation>Nouveaux</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="68"/>
        <source>Gone</source>
        <translation>Disparus</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="93"/>
        <source>No document matches this term.</source>
        <translation>Aucun document ne contient ce terme.</translation>
    </message>
    <message>
        <location filename="../../arbiter_desktop/ui/termlist_dialog.py" line="94"/>
        <source>Click to show the hits of «%1»</source>
        <translation>Cliquer pour afficher les résultats de « %1 »</translation>
    </message>
</context>
<context>
    <name>ToolsWorker</name>
    <message>
        <location filename="../../arbiter_desktop/ui/tools_worker.py" line="123"/>
        <source>No case is open.</source>
        <translation>Aucune affaire n&apos;est ouverte.</translation>
    </message>
</context>
</TS>
