#!/usr/bin/env python3
"""Generate the binary / encoding-sensitive files of the fictional demo case.

Everything in this case (names, places, plates, phone numbers, events) is
FICTIONAL. See resources/demo/README.md.

Produces, under resources/demo/affaire_demo/:
  01_procedure/2024-03-03_certificat_medical_UMJ_GOURDON.txt   (cp1252 text)
  01_procedure/2024-03-14_PV_prolongation_GAV_FERRAND.odt      (odfpy)
  02_auditions/2024-03-13_audition_GAV_FERRAND.pdf             (fpdf2, 4 pages)
  04_rapports/2024-03-12_rapport_surveillance_cite_Tilleuls.docx (python-docx)
  05_correspondance/2024-03-13_mail_DELORME_VASSEUR_exploitation_telephone.eml
      (stdlib email, with a PDF attachment)

Output is deterministic: fixed metadata dates, fixed MIME boundary and
Message-ID, and zip containers (docx/odt) rewritten with fixed timestamps.
Re-running with the same library versions yields byte-identical files.

Usage:  .venv/bin/python resources/demo/make_binaries.py
Requires: fpdf2, python-docx, odfpy.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

ROOT = Path(__file__).resolve().parent / "affaire_demo"
FIXED_ZIP_TIME = (2024, 3, 14, 12, 0, 0)
TZ = dt.timezone(dt.timedelta(hours=1))


def out(rel: str) -> Path:
    p = ROOT / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    return p


def normalize_zip(path: Path) -> None:
    """Rewrite a zip container with fixed timestamps/attributes (keeps order)."""
    with zipfile.ZipFile(path) as zin:
        items = [(info, zin.read(info.filename)) for info in zin.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zout:
        for info, data in items:
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = info.compress_type
            zi.create_system = 3
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, data)
    path.write_bytes(buf.getvalue())


# ---------------------------------------------------------------------------
# 1. Certificat médical — plain text written in Windows-1252 (cp1252)
# ---------------------------------------------------------------------------

CERTIFICAT = """\
CENTRE HOSPITALIER DE CASTELMONT
Unité médico-judiciaire (UMJ)
Consultations de victimes — Tél. secrétariat : 07 00 00 11 00

CERTIFICAT MÉDICAL INITIAL
(établi sur réquisition judiciaire)

Je soussignée, Docteur Anne-Sophie LORRAIN, médecin légiste, exerçant à l’unité médico-judiciaire du centre hospitalier de Castelmont,

Agissant sur réquisition du Lieutenant de police Marc DELORME, officier de police judiciaire, brigade de sûreté urbaine de Valbrenne, en date du 2 mars 2024 (procédure n° 2024/00318),

Certifie avoir examiné le 3 mars 2024 à 16 h 20 :

M. GOURDON Mathis, né le 11/07/2001, âgé de 22 ans,
qui déclare avoir été victime le 2 mars 2024 vers 22 h 30, sur le parking de la gare de Valbrenne, de coups de poing au visage, de coups de pied et de coups portés au moyen d’une « batte de baseball » au niveau du thorax et de la cuisse, par deux individus connus de lui.

DOLÉANCES
Douleurs thoraciques droites majorées à l’inspiration et à la toux ; céphalées ; douleur de la cuisse gauche à la marche ; retentissement psychologique (troubles du sommeil, peur de sortir du domicile, crainte de représailles pour lui et sa mère).

EXAMEN CLINIQUE
— Plaie linéaire de 2 cm de l’arcade sourcilière gauche, suturée aux urgences du CH de Valbrenne (4 points).
— Hématome et œdème péri-orbitaire gauche, avec fermeture partielle de la fente palpébrale ; pas de trouble de l’oculomotricité ; acuité visuelle conservée.
— Ecchymose violacée de l’hémithorax droit, en regard des 6e et 7e arcs costaux latéraux, de 9 cm × 5 cm ; douleur exquise à la palpation.
— Ecchymose en bande de la face externe de la cuisse gauche, de 8 cm × 4 cm, à bords parallèles.
— Dermabrasions des deux coudes.

EXAMENS COMPLÉMENTAIRES
Scanner thoracique (CH de Valbrenne, 3 mars 2024) : fracture non déplacée de l’arc latéral de la 7e côte droite ; pas de pneumothorax ni d’épanchement.
Scanner cérébral : absence de lésion intracrânienne.

CONCLUSION
Les lésions constatées sont compatibles avec les faits allégués. L’aspect de l’ecchymose en bande de la cuisse gauche et des lésions thoraciques est compatible avec des coups portés au moyen d’un objet contondant allongé, de type bâton ou batte.

L’incapacité totale de travail (ITT), au sens pénal, est fixée à DIX (10) JOURS, sous réserve de complications.

Un retentissement psychologique est à prendre en compte ; une réévaluation à distance est conseillée.

Certificat établi à la demande de l’autorité requérante et remis en mains propres à l’officier de police judiciaire, pour servir et valoir ce que de droit.

Fait à Castelmont, le 3 mars 2024.
Dr A.-S. LORRAIN
Médecin légiste — UMJ Castelmont
"""


def make_certificat() -> None:
    p = out("01_procedure/2024-03-03_certificat_medical_UMJ_GOURDON.txt")
    # CRLF line endings, as a Windows workstation would produce.
    p.write_bytes(CERTIFICAT.replace("\n", "\r\n").encode("cp1252"))


# ---------------------------------------------------------------------------
# 2. PV de prolongation de garde à vue — ODT (odfpy)
# ---------------------------------------------------------------------------

PROLONGATION = [
    ("h", "POLICE NATIONALE"),
    ("p", "Commissariat de police de Valbrenne — Brigade de sûreté urbaine (BSU)"),
    ("p", "Procédure n° 2024/00318 — PV n° 41"),
    ("p", "Affaire : GOURDON Mathis c/ FERRAND Dylan, AMRANI Sofiane et tous autres"),
    ("h", "PROCÈS-VERBAL DE PROLONGATION DE LA GARDE À VUE ET DE NOTIFICATION — FERRAND Dylan"),
    ("p", "L'an deux mille vingt-quatre, le quatorze mars, à cinq heures quarante,"),
    ("p", "Nous, Marc DELORME, Lieutenant de police, Officier de police judiciaire en résidence à Valbrenne,"),
    ("p", "Agissant en enquête préliminaire,"),
    ("p", "Vu les articles 63 II, 63-1 et 63-4 du code de procédure pénale,"),
    ("p", "Vu le placement en garde à vue de M. FERRAND Dylan, né le 14 mars 2001 à Castelmont, "
          "à compter du 13 mars 2024 à 06 h 05 (PV n° 23), pour des faits de violences volontaires en "
          "réunion avec usage d'une arme, menaces de mort réitérées et infractions à la législation sur "
          "les stupéfiants,"),
    ("p", "Vu la présentation de l'intéressé à Mme Claire ANSELME, substitut du procureur de la République "
          "près le tribunal judiciaire de Castelmont, par un moyen de télécommunication audiovisuelle, le "
          "14 mars 2024 de 05 h 05 à 05 h 20,"),
    ("p", "Vu l'autorisation écrite et motivée de ce magistrat, délivrée le 14 mars 2024 à 05 h 30, de "
          "prolonger la mesure pour une nouvelle durée de vingt-quatre heures,"),
    ("h", "NOTIFICATION"),
    ("p", "Notifions à M. FERRAND Dylan que la mesure de garde à vue dont il fait l'objet est prolongée de "
          "vingt-quatre heures, soit jusqu'au 15 mars 2024 à 06 h 05 au plus tard."),
    ("p", "Motifs retenus par le magistrat : l'infraction de violences aggravées est punie d'une peine "
          "d'emprisonnement supérieure ou égale à un an ; la prolongation constitue l'unique moyen de "
          "permettre la poursuite des investigations impliquant la présence de la personne (confrontation "
          "avec M. AMRANI Sofiane, exploitation du téléphone Samsung placé sous scellé n° 1 et des "
          "messages adressés à la victime, recherche de la batte de baseball dans le canal de la Brenne), "
          "d'empêcher toute pression sur la victime, M. GOURDON Mathis, et sur sa mère, visées par des "
          "menaces de mort le 12 mars 2024, et d'empêcher une concertation avec les coauteurs, dont le "
          "guetteur surnommé « Jojo », non encore entendu."),
    ("p", "Informons l'intéressé qu'il conserve l'ensemble des droits qui lui ont été notifiés lors de son "
          "placement, et notamment qu'il peut à nouveau demander à s'entretenir avec son avocat dès le début "
          "de la prolongation, pendant trente minutes, et être examiné une seconde fois par un médecin."),
    ("h", "OBSERVATIONS ET RÉPONSES DE L'INTÉRESSÉ"),
    ("p", "« J'ai compris. Je trouve que c'est abusé, j'ai déjà tout dit hier. Je veux revoir mon avocat, "
          "Maître RAMBERT. Cette fois je veux voir un médecin parce que j'ai mal au poignet à cause des "
          "menottes. Je veux que ma mère soit prévenue que je reste encore. »"),
    ("p", "Mention : Avis à Me Julien RAMBERT, avocat au barreau de Castelmont, par téléphone à 05 h 50 ; "
          "entretien confidentiel prévu à 08 h 30."),
    ("p", "Mention : Réquisition du médecin de permanence à 05 h 55 ; examen réalisé à 07 h 40 ; certificat "
          "de compatibilité de l'état de santé avec la mesure joint en annexe."),
    ("p", "Mention : Avis à Mme Sandrine FERRAND, mère de l'intéressé, à 06 h 10."),
    ("p", "Mention : Le même jour, la garde à vue de M. AMRANI Sofiane a été prolongée dans les mêmes "
          "conditions (autorisation délivrée à 05 h 35, PV n° 42)."),
    ("p", "Lecture faite par lui-même, l'intéressé persiste et signe avec nous le présent à 06 h 00."),
    ("p", "La personne gardée à vue : D. FERRAND — Le Lieutenant de police, OPJ : M. DELORME"),
]


def make_odt() -> None:
    from odf.opendocument import OpenDocumentText
    from odf.style import FontFace, ParagraphProperties, Style, TextProperties
    from odf.text import P
    from odf import dc, meta

    doc = OpenDocumentText()
    doc.meta.addElement(dc.Title(text="PV de prolongation de la garde à vue — FERRAND Dylan"))
    doc.meta.addElement(dc.Creator(text="Lt M. DELORME — BSU Valbrenne"))
    doc.meta.addElement(meta.CreationDate(text="2024-03-14T06:00:00"))
    doc.meta.addElement(dc.Date(text="2024-03-14T06:00:00"))
    doc.meta.addElement(dc.Language(text="fr-FR"))

    doc.fontfacedecls.addElement(FontFace(name="Liberation Sans", fontfamily="'Liberation Sans'"))
    body = Style(name="Corps", family="paragraph")
    body.addElement(ParagraphProperties(marginbottom="0.18cm", textalign="justify"))
    body.addElement(TextProperties(fontname="Liberation Sans", fontsize="11pt"))
    doc.styles.addElement(body)
    head = Style(name="Titre PV", family="paragraph")
    head.addElement(ParagraphProperties(margintop="0.3cm", marginbottom="0.2cm"))
    head.addElement(TextProperties(fontname="Liberation Sans", fontsize="12pt", fontweight="bold"))
    doc.styles.addElement(head)

    for kind, text in PROLONGATION:
        doc.text.addElement(P(stylename=head if kind == "h" else body, text=text))

    p = out("01_procedure/2024-03-14_PV_prolongation_GAV_FERRAND.odt")
    doc.save(str(p))
    normalize_zip(p)


# ---------------------------------------------------------------------------
# 3. PV d'audition de garde à vue — PDF, 4 pages (fpdf2, core font, latin-1)
# ---------------------------------------------------------------------------

AUDITION_PAGES = [
    # Page 1 — identité, droits, situation personnelle
    [
        ("b", "POLICE NATIONALE"),
        ("t", "Commissariat de police de Valbrenne - Brigade de sûreté urbaine (BSU)"),
        ("t", "Procédure n° 2024/00318 - PV n° 36"),
        ("t", "Affaire : GOURDON Mathis c/ FERRAND Dylan, AMRANI Sofiane et tous autres"),
        ("h", "PROCÈS-VERBAL D'AUDITION DE PERSONNE GARDÉE À VUE (audition n° 2) - FERRAND Dylan"),
        ("t", "L'an deux mille vingt-quatre, le treize mars, à quinze heures,"),
        ("t", "Nous, Marc DELORME, Lieutenant de police, Officier de police judiciaire en résidence à "
              "Valbrenne, agissant en enquête préliminaire, vu les articles 63 et suivants du code de "
              "procédure pénale,"),
        ("t", "Faisons comparaître devant nous la personne ci-après nommée, placée en garde à vue le "
              "13 mars 2024 à 06 h 05 (PV n° 23), déjà entendue ce jour de 10 h 40 à 11 h 25 (PV n° 27), "
              "assistée de Me Julien RAMBERT, avocat au barreau de Castelmont, qui s'est entretenu "
              "confidentiellement avec son client de 10 h 05 à 10 h 35 et a consulté les pièces prévues à "
              "l'article 63-4-1 du code de procédure pénale."),
        ("t", "Rappelons à l'intéressé qu'il a le droit, après avoir décliné son identité, de faire des "
              "déclarations, de répondre aux questions qui lui sont posées ou de se taire."),
        ("h", "SUR SON IDENTITÉ ET SA SITUATION PERSONNELLE"),
        ("t", "« Je me nomme FERRAND Dylan, Kevin. Je suis né le 14 mars 2001 à Castelmont. Je suis de "
              "nationalité française. Je suis célibataire, sans enfant. Je vis chez ma mère, Sandrine "
              "FERRAND, 3 rue des Glycines à Valbrenne. Mon père est parti quand j'avais six ans, je n'ai "
              "plus de contact avec lui. J'ai arrêté l'école en seconde, j'ai fait quelques missions "
              "d'intérim dans la logistique. En ce moment je ne travaille pas, je cherche. Je touche "
              "rien, c'est ma mère qui m'aide. »"),
        ("t", "« Mon numéro personnel c'est le 06 00 00 77 88, c'est l'iPhone. On m'appelle Tito depuis "
              "le collège, à cause d'un joueur de foot. J'ai un permis B depuis 2020. Je conduis la 208 de "
              "ma mère, surtout le week-end. »"),
        ("t", "« Je consomme du cannabis, trois ou quatre joints par jour. Je ne bois pas beaucoup d'alcool. "
              "J'ai déjà été condamné une fois pour usage de stupéfiants et une fois pour conduite sans "
              "assurance, en 2021 et 2022. »"),
        ("t", "Mention : Consultation du TAJ et du casier judiciaire effectuée (PV n° 25)."),
    ],
    # Page 2 — faits du 2 mars 2024
    [
        ("h", "SUR LES FAITS DU SAMEDI 2 MARS 2024 (PARKING DE LA GARE)"),
        ("q", "QUESTION : Connaissez-vous M. Mathis GOURDON ?"),
        ("t", "RÉPONSE : « Oui, c'est un gars de la cité, on se connaît depuis le collège. »"),
        ("q", "QUESTION : Lors de votre première audition, vous avez déclaré ne plus savoir où vous vous "
              "trouviez le samedi 2 mars 2024 vers 22 h 30. Maintenez-vous cette déclaration ?"),
        ("t", "RÉPONSE : « Oui. J'étais sûrement chez moi ou avec des potes aux Tilleuls. »"),
        ("q", "QUESTION : La ligne que vous utilisez déclenche un relais couvrant la gare de Valbrenne à "
              "22 h 31. Un témoin a relevé la plaque ZZ-417-XK de la Peugeot 208 de votre mère, qui "
              "quittait le parking de la gare à 22 h 35 après l'agression. Qu'avez-vous à dire ?"),
        ("t", "RÉPONSE : « D'accord, j'étais à la gare. Mathis me devait de l'argent, je lui avais prêté "
              "de l'argent, c'est tout. On s'est embrouillés, il m'a insulté et je lui ai mis une gifle. "
              "C'est tout. »"),
        ("q", "QUESTION : M. GOURDON présente une fracture de côte, une plaie à l'arcade suturée et une ITT "
              "de dix jours. Il déclare avoir reçu un coup de poing de votre part, puis des coups de pied, "
              "et des coups de batte portés par M. Sofiane AMRANI. Qu'en dites-vous ?"),
        ("t", "RÉPONSE : « Une gifle, pas un coup de poing. Les coups de pied c'est pas moi. La batte je "
              "sais pas d'où elle sort, c'est Soso qui s'est énervé tout seul, moi je lui ai rien demandé. »"),
        ("q", "QUESTION : M. AMRANI déclare que vous lui avez remis la batte, qui se trouvait dans le coffre "
              "du véhicule, et que vous lui avez demandé par message de la jeter dans le canal. Qu'en "
              "dites-vous ?"),
        ("t", "RÉPONSE : « Il raconte ce qu'il veut pour se couvrir. »"),
        ("q", "QUESTION : Pourquoi avez-vous dit à la victime « la prochaine fois c'est ta mère qui paye » ?"),
        ("t", "RÉPONSE : « J'ai jamais dit ça. »"),
        ("q", "QUESTION : Une doudoune noire portant des taches brunâtres a été saisie dans votre penderie. "
              "La portiez-vous ce soir-là ?"),
        ("t", "RÉPONSE : « Peut-être. Si c'est du sang c'est que je saigne du nez souvent. »"),
    ],
    # Page 3 — stupéfiants, perquisition
    [
        ("h", "SUR LES STUPÉFIANTS ET LES OBJETS DÉCOUVERTS LORS DE LA PERQUISITION"),
        ("q", "QUESTION : Lors de la perquisition de votre chambre ce matin ont été découverts, dans une "
              "boîte à chaussures sous votre lit, 48 barrettes de résine de cannabis (152 g), 12 sachets "
              "d'herbe de cannabis (38 g), une somme de 2 350 euros en espèces, une balance de précision et "
              "environ 200 sachets zip vides. Qu'avez-vous à déclarer ?"),
        ("t", "RÉPONSE : « Le shit c'est pour ma consommation. Et des fois je dépanne des amis, sans "
              "bénéfice. »"),
        ("q", "QUESTION : 48 barrettes et 12 pochons conditionnés individuellement, une balance et 200 "
              "sachets vides correspondent à un conditionnement destiné à la revente. Qu'en dites-vous ?"),
        ("t", "RÉPONSE : « Je garde le droit de me taire sur cette question. »"),
        ("q", "QUESTION : D'où provient la somme de 2 350 euros ?"),
        ("t", "RÉPONSE : « Ce sont mes économies, de l'intérim et des cadeaux d'anniversaire. C'est mon "
              "anniversaire demain. »"),
        ("q", "QUESTION : Les surveillances effectuées du 5 au 11 mars 2024 vous montrent arrivant chaque "
              "soir au bâtiment C de la cité des Tilleuls au volant de la Peugeot 208, remettant un sac à "
              "M. AMRANI dans le hall, puis descendant avec lui à la cave. Un jeune homme se tient en "
              "permanence à l'entrée de la cité pour signaler les véhicules de police. Que faisiez-vous ?"),
        ("t", "RÉPONSE : « Je rends visite à mes potes. Le sac c'était à manger. »"),
        ("q", "QUESTION : Qui est le jeune homme surnommé « Jojo » ?"),
        ("t", "RÉPONSE : « Je connais pas de Jojo. »"),
        ("q", "QUESTION : M. AMRANI déclare que vous êtes le responsable du point de vente, que vous "
              "détenez l'argent et la balance, et que vous le rémunérez environ 100 euros de temps en "
              "temps. Qu'en dites-vous ?"),
        ("t", "RÉPONSE : « C'est faux. Soso il vend pour lui. Moi je suis pas un trafiquant. »"),
    ],
    # Page 4 — téléphonie, messages, clôture
    [
        ("h", "SUR LA LIGNE TÉLÉPHONIQUE 06 00 00 12 34 ET LES MESSAGES"),
        ("q", "QUESTION : Le téléphone Samsung Galaxy A34 (IMEI 350000001234567) saisi sur votre table de "
              "chevet fonctionne avec la ligne 06 00 00 12 34, ouverte au nom de « Tony MONTANA ». Cette "
              "ligne est-elle la vôtre ?"),
        ("t", "RÉPONSE : « Ce téléphone on me l'a prêté. Je l'utilise des fois. »"),
        ("q", "QUESTION : Depuis cette ligne ont été adressés à M. GOURDON, entre le 20 février et le "
              "2 mars 2024, des messages lui réclamant 600 euros et l'avisant qu'il « finirait à l'hôpital » "
              "ou qu'on viendrait « le chercher chez sa mère ». Êtes-vous l'auteur de ces messages ?"),
        ("t", "RÉPONSE : « C'était pour lui faire peur, pour qu'il paye. Je l'aurais jamais fait. »"),
        ("q", "QUESTION : Le 2 mars à 21 h 58, vous lui donnez rendez-vous sur le parking derrière la gare "
              "à 22 h 30. À 22 h 05, vous demandez à M. AMRANI de « ramener le truc en bois ». De quoi "
              "s'agit-il ?"),
        ("t", "RÉPONSE : « Je préfère ne pas répondre. »"),
        ("q", "QUESTION : Le 12 mars 2024, informé de la plainte, vous écrivez que la victime « est morte, "
              "elle et sa mère » si elle parle au tribunal. Que répondez-vous ?"),
        ("t", "RÉPONSE : « C'est des mots. J'étais énervé. Je toucherai jamais à sa mère. »"),
        ("q", "QUESTION : Avez-vous quelque chose à ajouter ?"),
        ("t", "RÉPONSE : « Je veux dire que je regrette pour la gifle. Pour le reste je parlerai devant "
              "le juge. »"),
        ("t", "Mention : Me RAMBERT dépose des observations écrites, jointes au présent, relatives aux "
              "conditions de l'interpellation (menottage)."),
        ("t", "Mention : L'audition a été interrompue de 16 h 00 à 16 h 10 à la demande de l'intéressé."),
        ("t", "Lecture faite par lui-même, l'intéressé persiste et signe avec nous et son avocat le présent "
              "à 16 h 45."),
        ("t", "La personne gardée à vue : D. FERRAND        L'avocat : Me J. RAMBERT        "
              "Le Lieutenant de police, OPJ : M. DELORME"),
    ],
]


def _latin1(text: str) -> str:
    text.encode("latin-1")  # raises if a character is outside latin-1
    return text


def _new_pdf(title: str, subject: str, footer_label: str):
    from fpdf import FPDF

    class PV(FPDF):
        def footer(self):
            self.set_y(-15)
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 10, _latin1(f"{footer_label} - page {self.page_no()}/{{nb}}"), align="C")

    pdf = PV(format="A4")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title(_latin1(title))
    pdf.set_subject(_latin1(subject))
    pdf.set_author("BSU Valbrenne (fictif)")
    pdf.set_creator("Arbiter Desktop demo generator")
    pdf.set_producer("Arbiter Desktop demo generator")
    pdf.set_creation_date(dt.datetime(2024, 3, 13, 16, 45, 0, tzinfo=TZ))
    pdf.alias_nb_pages()
    return pdf


def _pdf_blocks(pdf, blocks) -> None:
    for kind, text in blocks:
        text = _latin1(text)
        if kind == "b":
            pdf.set_font("Helvetica", "B", 11)
            pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        elif kind == "h":
            pdf.ln(3)
            pdf.set_font("Helvetica", "B", 10.5)
            pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "q":
            pdf.set_font("Helvetica", "B", 10)
            pdf.multi_cell(0, 5.2, text, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(0, 5.2, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)


def make_audition_pdf() -> None:
    pdf = _new_pdf(
        "PV d'audition de garde à vue - FERRAND Dylan - Procédure 2024/00318",
        "Audition n° 2 de M. FERRAND Dylan, 13 mars 2024",
        "Procédure 2024/00318 - PV n° 36 - Audition n° 2 de FERRAND Dylan",
    )
    for page in AUDITION_PAGES:
        pdf.add_page()
        _pdf_blocks(pdf, page)
    pdf.output(str(out("02_auditions/2024-03-13_audition_GAV_FERRAND.pdf")))


# ---------------------------------------------------------------------------
# 4. Rapport de surveillance — DOCX (table + header/footer)
# ---------------------------------------------------------------------------

SURVEILLANCE_ROWS = [
    ("05/03/2024", "17 h 10", "Angle rue des Tilleuls / allée des Charmes",
     "Mise en place du dispositif : véhicule banalisé Renault Clio grise stationné face à la boulangerie "
     "« Au Pain Doré », vue directe sur l'entrée de la cité et le hall du bâtiment C."),
    ("05/03/2024", "17 h 40", "Entrée de la cité des Tilleuls",
     "Un individu d'environ 18-20 ans, sweat rouge à capuche, se poste à l'entrée de la cité, scrute les "
     "véhicules et téléphone fréquemment. Comportement de guetteur (« chouf »). Identifié ultérieurement "
     "comme Jordan LECLERC dit « Jojo » (ligne 07 00 00 98 76)."),
    ("05/03/2024", "18 h 05", "Parking bâtiment C",
     "Arrivée de la Peugeot 208 grise immatriculée ZZ 417 XK. Le conducteur, correspondant au signalement "
     "de Dylan FERRAND (doudoune noire à logo blanc), remet un sac plastique blanc à un individu trapu au "
     "crâne rasé (Sofiane AMRANI) dans le hall du bâtiment C. Départ du véhicule à 18 h 12."),
    ("05/03/2024", "18 h 15 - 21 h 30", "Hall bâtiment C",
     "23 allers-retours d'acheteurs à pied ou en deux-roues, durée moyenne 1 à 2 minutes. AMRANI sort du "
     "hall, échange de la main à la main, retour dans le hall."),
    ("06/03/2024", "18 h 30", "Face boulangerie",
     "Le guetteur passe à deux reprises à proximité du véhicule de surveillance et téléphone. Le point de "
     "vente cesse son activité jusqu'à 21 h 05. Dispositif levé à 19 h 00 pour éviter la compromission."),
    ("07/03/2024", "17 h 00 - 22 h 00", "Poste d'observation, bâtiment F, 4e étage",
     "Observation depuis un logement mis à disposition par un occupant (identité conservée au service). "
     "Les acheteurs sont désormais orientés vers l'arrière du bâtiment C. Environ 40 transactions."),
    ("08/03/2024", "20 h 45", "Rue des Tilleuls (hors vue du point)",
     "Contrôle par la BAC d'un acheteur, M. Kévin T., 19 ans, porteur d'une barrette de résine de cannabis "
     "de 3,2 g. Déclare l'avoir achetée 10 euros au bâtiment C « à un petit trapu au crâne rasé ». "
     "Procédure d'usage distincte."),
    ("09/03/2024", "14 h 30 - 14 h 50", "Parking bâtiment C",
     "FERRAND et AMRANI assis dans la 208 ZZ 417 XK. AMRANI compte des billets et les remet à FERRAND, "
     "qui les place dans une boîte à chaussures de couleur orange."),
    ("10/03/2024", "17 h 00 - 21 h 00", "Poste d'observation",
     "Dimanche : activité réduite, une douzaine de transactions. Véhicule non observé."),
    ("11/03/2024", "19 h 10", "Parking et cave bâtiment C",
     "Arrivée de la 208 ZZ 417 XK. FERRAND et AMRANI descendent ensemble au sous-sol (caves) pendant "
     "10 minutes, puis AMRANI remonte dans le hall avec une sacoche. FERRAND repart à 19 h 25 en direction "
     "de la rue des Glycines."),
]


def _add_page_field(paragraph) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    run.append(t)
    fld.append(run)
    paragraph._p.append(fld)


def make_docx() -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    cp = doc.core_properties
    cp.title = "Rapport de surveillance — cité des Tilleuls — procédure 2024/00318"
    cp.subject = "Surveillances du point de vente de stupéfiants, bâtiment C, du 5 au 11 mars 2024"
    cp.author = "Bc N. KERBRAT — BSU Valbrenne"
    cp.last_modified_by = "Bc N. KERBRAT — BSU Valbrenne"
    cp.keywords = "surveillance; stupéfiants; Tilleuls; FERRAND; AMRANI"
    cp.language = "fr-FR"
    cp.revision = 1
    cp.created = dt.datetime(2024, 3, 12, 9, 0, 0)
    cp.modified = dt.datetime(2024, 3, 12, 11, 30, 0)
    cp.last_printed = dt.datetime(2024, 3, 12, 11, 30, 0)

    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10)

    section = doc.sections[0]
    hp = section.header.paragraphs[0]
    hp.text = "POLICE NATIONALE — Commissariat de Valbrenne — BSU\tProcédure n° 2024/00318\tDIFFUSION RESTREINTE"
    fp = section.footer.paragraphs[0]
    fp.text = "Rapport de surveillance — cité des Tilleuls — page "
    _add_page_field(fp)
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_heading("RAPPORT DE SURVEILLANCE", level=1)
    doc.add_paragraph("Procédure n° 2024/00318 — Affaire GOURDON Mathis c/ FERRAND Dylan, AMRANI Sofiane "
                      "et tous autres")
    doc.add_paragraph("Valbrenne, le 12 mars 2024")
    doc.add_paragraph("Le Brigadier-chef de police Nadia KERBRAT, OPJ, et le Gardien de la paix Léa BONNEFOY,\n"
                      "à Madame le Capitaine de police Hélène VASSEUR, chef de groupe BSU.")

    doc.add_heading("Objet", level=2)
    doc.add_paragraph(
        "Surveillances physiques du point de vente de stupéfiants présumé situé au pied du bâtiment C de la "
        "cité des Tilleuls à Valbrenne, du mardi 5 au lundi 11 mars 2024, en exécution des instructions du "
        "parquet de Castelmont (enquête préliminaire), à la suite de l'agression de M. Mathis GOURDON le "
        "2 mars 2024 et de ses déclarations mettant en cause son fournisseur, Dylan FERRAND dit « Tito »."
    )

    doc.add_heading("Déroulement des surveillances", level=2)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, ("Date", "Heure", "Lieu", "Observations")):
        cell.text = ""
        cell.paragraphs[0].add_run(label).bold = True
    for row in SURVEILLANCE_ROWS:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = value

    doc.add_heading("Synthèse", level=2)
    for text in (
        "Les surveillances confirment l'existence d'un point de vente de résine et d'herbe de cannabis actif "
        "chaque soir de 17 h à 23 h environ au bâtiment C, avec un volume estimé de 40 à 60 transactions par "
        "soirée (barrettes à 10 euros, pochons d'herbe à 20 euros).",
        "Organisation apparente : Dylan FERRAND (« Tito ») assure l'approvisionnement et la collecte des "
        "recettes au moyen de la Peugeot 208 grise ZZ 417 XK appartenant à sa mère ; Sofiane AMRANI "
        "(« Soso ») assure la revente et la gestion d'un stock probablement entreposé dans les caves ; "
        "Jordan LECLERC (« Jojo ») tient le rôle de guetteur à l'entrée de la cité.",
        "Le 6 mars, le guetteur paraît avoir repéré le véhicule de surveillance (Renault Clio grise) ; le "
        "dispositif a été déplacé vers un poste d'observation fixe à compter du 7 mars.",
    ):
        doc.add_paragraph(text)

    doc.add_heading("Propositions", level=2)
    for text in (
        "Interpellation simultanée de FERRAND et AMRANI à leur domicile, le mercredi 13 mars 2024 à 06 h 00.",
        "Requête au juge des libertés et de la détention aux fins de perquisition du domicile de FERRAND, "
        "3 rue des Glycines, sans assentiment (article 76 alinéa 4 du code de procédure pénale).",
        "Saisie et examen technique du véhicule ZZ 417 XK ; visite des caves du bâtiment C.",
    ):
        doc.add_paragraph(text, style="List Bullet")

    doc.add_paragraph("Le Brigadier-chef de police, OPJ — N. KERBRAT        Le Gardien de la paix — L. BONNEFOY")

    p = out("04_rapports/2024-03-12_rapport_surveillance_cite_Tilleuls.docx")
    doc.save(str(p))
    normalize_zip(p)


# ---------------------------------------------------------------------------
# 5. E-mail between investigators, with a PDF attachment — EML
# ---------------------------------------------------------------------------

SYNTHESE_TEL = [
    ("b", "SYNTHÈSE PROVISOIRE - EXPLOITATION DU TÉLÉPHONE SAMSUNG (SCELLÉ N° 1 - FERRAND)"),
    ("t", "Procédure n° 2024/00318 - BSU Valbrenne - Lt M. DELORME - 13 mars 2024, 09 h 45"),
    ("t", "Support : Samsung Galaxy A34, IMEI 350000001234567, ligne 0600001234 (NOVALINK, prépayée, "
          "titulaire déclaré « Tony MONTANA »). Extraction logique réalisée le 13/03/2024 de 08 h 05 à "
          "09 h 20 par l'enquêteur spécialisé de permanence. Export des SMS au format tableur (fichier "
          "2024-03-13_extraction_SMS_telephone_FERRAND.csv, 41 messages retenus)."),
    ("h", "1. Contacts principaux"),
    ("t", "- 0700005678 enregistré « Soso » (AMRANI Sofiane) : logistique du point de vente, batte, recettes."),
    ("t", "- 0600004321 enregistré « Mathis dette » (GOURDON Mathis, victime)."),
    ("t", "- 0700009876 enregistré « Jojo » : guetteur, réclame sa paye (50 euros par jour)."),
    ("t", "- 0600001111 et 0700002222 : acheteurs (demandes de barrettes et de pochons)."),
    ("h", "2. Éléments à charge - faits du 2 mars 2024"),
    ("t", "- 28/02 22 h 10 et 01/03 17 h 55 : menaces à la victime (hôpital, « chez ta mère »)."),
    ("t", "- 02/03 21 h 58 : fixation du rendez-vous, parking derrière la gare, 22 h 30."),
    ("t", "- 02/03 22 h 05 : demande à AMRANI de « ramener le truc en bois »."),
    ("t", "- 02/03 22 h 52 : « c réglé il a compris. balance la batte dans le canal »."),
    ("h", "3. Éléments à charge - trafic"),
    ("t", "- 26/02 : instruction de « remonter 30 barrettes et 10 pochons » au hall C."),
    ("t", "- 09/03 : recette de la semaine « 2300 et quelques » rangée « dans la boîte à chaussures » "
          "(cohérent avec les 2 350 euros saisis)."),
    ("t", "- 06/03 18 h 30 : le guetteur signale la Clio de surveillance ; consigne de fermer le point."),
    ("h", "4. Menaces postérieures à la plainte"),
    ("t", "- 12/03 20 h 05 : menace de mort visant la victime et sa mère si elle « parle au tribunal »."),
]


def _synthese_pdf_bytes() -> bytes:
    pdf = _new_pdf(
        "Synthèse exploitation téléphone FERRAND - Procédure 2024/00318",
        "Exploitation du téléphone Samsung, scellé n° 1",
        "Procédure 2024/00318 - synthèse provisoire exploitation téléphonie",
    )
    pdf.set_creation_date(dt.datetime(2024, 3, 13, 9, 45, 0, tzinfo=TZ))
    pdf.add_page()
    _pdf_blocks(pdf, SYNTHESE_TEL)
    return bytes(pdf.output())


MAIL_BODY = """\
Hélène,

L'extraction du Samsung de FERRAND (scellé n° 1, ligne 0600001234) est terminée. Je t'envoie en pièce jointe une synthèse provisoire, le tableau complet des SMS est déposé sur le partage du groupe (03_telephonie).

Points utiles pour ton audition d'AMRANI à 11 h 30 :
- le 2 mars à 22 h 05, FERRAND lui demande de « ramener le truc en bois » et passe le prendre ; à 22 h 52 il lui dit de jeter la batte dans le canal ;
- AMRANI gère le stock au hall C, FERRAND lui demande le 26/02 de remonter 30 barrettes et 10 pochons ;
- le 12 mars au soir, nouvelles menaces de mort contre GOURDON et sa mère, suite à la plainte. Je pense qu'il faut aviser le parquet pour une mesure de protection.

Le guetteur « Jojo » utilise le 07 00 00 98 76 ; il a bien repéré notre Clio le 6 au soir, ce qui colle avec le rapport de Nadia.

De mon côté j'entends FERRAND dès que Me RAMBERT a fini son entretien (prévu 10 h 35). Je te tiens au courant pour la demande de prolongation de la GAV.

Marc

--
Lt Marc DELORME
Officier de police judiciaire
BSU — Commissariat de police de Valbrenne
Tél. 07 00 00 11 22
"""


def make_eml() -> None:
    msg = EmailMessage(policy=default_policy)
    msg["From"] = "Marc DELORME <marc.delorme@bsu-valbrenne.example>"
    msg["To"] = "Hélène VASSEUR <helene.vasseur@bsu-valbrenne.example>"
    msg["Cc"] = "Nadia KERBRAT <nadia.kerbrat@bsu-valbrenne.example>"
    msg["Date"] = "Wed, 13 Mar 2024 09:52:00 +0100"
    msg["Subject"] = "Proc. 2024/00318 - exploitation du téléphone de FERRAND (Tito) - points pour audition AMRANI"
    msg["Message-ID"] = "<20240313095200.00318.delorme@bsu-valbrenne.example>"
    msg["X-Classification"] = "DIFFUSION RESTREINTE - DOCUMENT FICTIF DE DEMONSTRATION"
    msg.set_content(MAIL_BODY, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_attachment(
        _synthese_pdf_bytes(),
        maintype="application",
        subtype="pdf",
        filename="synthese_exploitation_telephone_FERRAND.pdf",
    )
    msg.set_boundary("===============arbiter-demo-00318==")
    p = out("05_correspondance/2024-03-13_mail_DELORME_VASSEUR_exploitation_telephone.eml")
    p.write_bytes(msg.as_bytes())


# ---------------------------------------------------------------------------
# 6. New formats: XLSX phone bill, legacy .doc, Outlook .msg, ZIP scellé
#    (the XLSX, .doc and .msg writers are the tests' own: tests/ingest/)
# ---------------------------------------------------------------------------

FADETTE = [
    ["Facture détaillée — ligne 06 00 00 12 34 — opérateur fictif VALTEL — mars 2024"],
    [],
    ["date", "heure", "appelant", "appelé", "durée (s)", "type"],
    [dt.date(2024, 3, 10), "21:02", "0600001234", "0700002211", 35, "appel"],
    [dt.date(2024, 3, 11), "08:15", "0700002211", "0600001234", 0, "SMS"],
    [dt.date(2024, 3, 12), "23:47", "0600001234", "0611110099", 252, "appel"],
    [dt.date(2024, 3, 13), "05:58", "0611110099", "0600001234", 0, "SMS"],
]

DOC_TEXT = """PROCÈS-VERBAL DE SAISIE
Brigade de sûreté urbaine de Valbrenne — procédure n° 2024/00318
Le 13 mars 2024 à 07 h 40, au domicile de M. Kevin FERRAND, 14 allée des Tilleuls à Valbrenne,
avons saisi et placé sous scellé n° 7 un téléphone portable de marque fictive ORBIX, numéro de série
ORB-4471-KX, ainsi qu'une somme de 1 250 euros en billets de 50 euros.
Le scellé n° 7 est transmis au service d'exploitation pour extraction de son contenu.
"""


def _test_writers():
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "ingest"))
    import ole
    import spreadsheets

    return ole, spreadsheets


def make_new_formats() -> None:
    ole, spreadsheets = _test_writers()
    spreadsheets.write_xlsx(out("03_telephonie/2024-03-14_fadette_ligne_0600001234.xlsx"), {"Appels": FADETTE})
    normalize_zip(out("03_telephonie/2024-03-14_fadette_ligne_0600001234.xlsx"))
    ole.write_cfb(out("01_procedure/2024-03-13_PV_saisie_scelle_7.doc"), ole.word97(DOC_TEXT))
    message = ole.outlook_message(
        "Scellé n° 7 : extraction du téléphone ORBIX",
        "Bonjour,\nl'extraction du téléphone ORBIX (scellé n° 7) est jointe au dossier sous forme d'archive.\n"
        "Les SMS échangés avec le 07 00 00 22 11 confirment le rendez-vous du 12 mars à la gare.\n"
        "Cordialement,\nBrigadier Nadia VASSEUR",
        sender="Nadia VASSEUR",
        to="Marc DELORME",
        attachments={"note_extraction.txt": "Extraction réalisée le 14/03/2024, 1 412 SMS.".encode()},
        filetime=133548732000000000,
    )
    ole.write_cfb(out("05_correspondance/2024-03-14_mail_VASSEUR_extraction_scelle_7.msg"), message)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            zipfile.ZipInfo("sms/conversation_0700002211.txt", date_time=FIXED_ZIP_TIME),
            "12/03/2024 21:05 — 0700002211 : rdv à la gare demain 6h, viens seul\n"
            "12/03/2024 21:07 — 0600001234 : ok je ramène la marchandise\n".encode(),
        )
    with zipfile.ZipFile(out("06_scelles/scelle_7_extraction_ORBIX.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            zipfile.ZipInfo("rapport/rapport_extraction.txt", date_time=FIXED_ZIP_TIME),
            "Rapport d'extraction du téléphone ORBIX ORB-4471-KX (scellé n° 7) : contacts, SMS, photos.".encode(),
        )
        z.writestr(zipfile.ZipInfo("telephone_ORBIX.zip", date_time=FIXED_ZIP_TIME), inner.getvalue())


def main() -> None:
    make_certificat()
    make_odt()
    make_audition_pdf()
    make_docx()
    make_eml()
    make_new_formats()
    for p in sorted(ROOT.rglob("*")):
        if p.is_file():
            print(f"{p.stat().st_size:>8}  {p.relative_to(ROOT.parent)}")


if __name__ == "__main__":
    main()
