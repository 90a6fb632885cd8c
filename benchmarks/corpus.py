"""Deterministic generator of French-like paragraph msgids for benchmarks.

Sentences follow a few simple French patterns (subject, verb, complements),
and every slot draws a word of its class from a Zipf distribution over an
inline vocabulary of real French words listed roughly by frequency. So, as in
real profiles, two unrelated paragraphs share many function words and much of
their sentence structure, while their rarer words differ. ``sibling`` goes
further: same sentences and function words, all content words redrawn, the
hardest kind of unrelated paragraph for a character-based matcher.
"""

from __future__ import annotations

import itertools
import random

# Each class is listed roughly by decreasing frequency: rank r weighs 1 / r ** s.
_DETERMINERS = """
la le les un une des ce cette ces son sa ses leur leurs notre nos chaque
plusieurs certains certaines tous toutes quelques autres mon ma mes votre vos
aucun aucune
"""
_PREPOSITIONS = """
de à dans pour avec sur par en chez vers depuis entre sans sous après avant
pendant selon parmi grâce auprès contre envers malgré près loin dès
"""
_PRONOUNS = "elle il nous ils elles on je vous chacun chacune tout cela"
_CONJUNCTIONS = "et mais ou donc car puis ni"
_RELATIVES = "qui que où dont lorsque quand comme si parce puisque tandis"
_AUXILIARIES = "a est ont sont avait était avons sommes avaient étaient sera aura"
_ADVERBS = """
aussi très bien même déjà toujours encore ainsi souvent surtout ensemble
peu beaucoup moins plus trop enfin ensuite notamment également seulement
vraiment plutôt assez jamais parfois bientôt longtemps maintenant
aujourd désormais autrefois récemment actuellement finalement heureusement
malheureusement évidemment simplement rapidement lentement doucement
fortement profondément réellement directement progressivement régulièrement
activement volontiers davantage presque environ pourtant cependant néanmoins
toutefois ailleurs autant aussitôt tantôt voire tellement énormément
particulièrement partout ici là hier demain tard tôt vite mieux pire
dedans dehors dessus dessous devant derrière autour alors donc puis
"""
_VERBS = """
travaille aide apprend commence continue reste devient permet partage crée
organise accompagne soutient développe forme enseigne dirige coordonne
participe rejoint découvre construit cultive produit vend achète gère anime
écoute raconte explique souhaite espère croit vit habite fait dit peut doit
veut sait va vient voit prend met donne trouve pense parle
travaillent aident apprennent commencent continuent restent partagent créent
organisent accompagnent soutiennent développent forment produisent vendent
font disent peuvent doivent veulent savent vont viennent voient prennent
mettent donnent trouvent pensent parlent vivent croient espèrent cultivent
travaillons aidons apprenons commençons continuons restons partageons créons
organisons accompagnons soutenons développons formons produisons vendons
faisons pouvons devons voulons savons allons venons voyons prenons mettons
donnons trouvons pensons parlons vivons croyons espérons
travaillait aidait apprenait commençait continuait restait partageait
faisait pouvait devait voulait savait allait venait voyait prenait mettait
donnait trouvait pensait parlait vivait croyait espérait
travaillerai aiderai apprendrai continuerai resterai partagerai créerai
pourra devra voudra saura ira viendra verra prendra mettra donnera trouvera
"""
_PARTICIPLES = """
fait dit pu dû voulu su allé venu vu pris mis donné trouvé pensé parlé
travaillé aidé appris commencé continué resté devenu permis partagé créé
organisé accompagné soutenu développé formé enseigné dirigé coordonné
participé découvert construit cultivé produit vendu acheté géré animé
écouté raconté expliqué souhaité espéré cru vécu habité grandi né étudié
obtenu choisi compris reçu passé quitté retourné lancé fondé renforcé
amélioré transmis valorisé défendu protégé préservé promu encouragé mobilisé
sensibilisé représenté négocié financé exporté transformé récolté planté semé
irrigué élevé soigné nourri logé accueilli rencontré visité voyagé marché lu
écrit traduit publié chanté dansé joué peint dessiné filmé réparé fabriqué
"""
_INFINITIVES = """
faire dire pouvoir devoir vouloir savoir aller venir voir prendre mettre
donner trouver penser parler travailler aider apprendre commencer continuer
rester devenir permettre partager créer organiser accompagner soutenir
développer former enseigner diriger coordonner participer rejoindre
découvrir construire cultiver produire vendre acheter gérer animer écouter
raconter expliquer souhaiter espérer croire vivre habiter grandir naître
étudier obtenir choisir comprendre recevoir passer quitter retourner lancer
fonder renforcer améliorer transmettre valoriser défendre protéger préserver
promouvoir encourager mobiliser sensibiliser représenter négocier financer
exporter transformer récolter planter semer irriguer élever soigner nourrir
loger accueillir rencontrer visiter voyager marcher courir lire écrire
traduire publier chanter danser jouer peindre dessiner filmer photographier
cuisiner réparer fabriquer coudre tisser broder sculpter imprimer compter
mesurer analyser évaluer suivre guider conseiller orienter informer être
avoir
"""
_NOUNS = """
projet projets équipe équipes communauté communautés femmes femme hommes
homme enfants enfant famille familles village villages ville villes région
régions pays terre terres eau école écoles santé formation formations travail
emploi métier métiers agriculture agriculteur agricultrice agriculteurs
agricultrices coopérative coopératives association associations organisation
organisations partenaire partenaires réseau réseaux programme programmes année
années mois jour jours semaine semaines temps vie histoire histoires
expérience expériences parcours engagement engagements avenir passé présent
monde société sociétés économie marché marchés prix produit produits récolte
récoltes café cacao quinoa maïs pomme pommes riz blé haricots légumes fruits
lait fromage miel laine coton tissu tissus artisanat artisane artisan
artisans artisanes atelier ateliers outil outils machine machines semence
semences sol sols climat saison saisons pluie sécheresse forêt forêts
montagne montagnes vallée vallées rivière rivières lac mer côte plateau
altitude chemin chemins route routes pont marchande marchand magasin boutique
boutiques maison maisons quartier quartiers rue rues place places centre
centres bureau bureaux salle salles local locaux bâtiment bâtiments jardin
jardins champ champs ferme fermes parcelle parcelles serre serres élevage
élevages troupeau troupeaux vache vaches mouton moutons chèvre chèvres lama
lamas alpaga alpagas poule poules cochon cochons cheval chevaux âne ânes
chien chiens chat chats oiseau oiseaux poisson poissons arbre arbres fleur
fleurs plante plantes graine graines racine racines feuille feuilles bois
pierre pierres sable argile brique briques toit toits mur murs porte portes
fenêtre fenêtres table tables chaise chaises lit lits cuisine cuisines repas
pain soupe viande sucre sel huile farine thé chocolat boisson
université universités étudiant étudiante étudiants étudiantes professeur
professeure professeurs enseignant enseignante enseignants enseignantes cours
classe classes leçon leçons diplôme diplômes licence master doctorat thèse
recherche recherches chercheur chercheuse chercheurs laboratoire laboratoires
bibliothèque bibliothèques livre livres journal journaux article articles
revue revues étude études sujet sujets question questions réponse réponses
problème problèmes solution solutions idée idées pensée pensées opinion
opinions avis conseil conseils décision décisions choix chance chances
occasion occasions moment moments période périodes époque époques début fin
milieu étape étapes objectif objectifs but buts résultat résultats succès
échec échecs difficulté difficultés défi défis risque risques besoin besoins
ressource ressources moyen moyens argent budget fonds subvention subventions
crédit crédits prêt prêts dette dettes revenu revenus salaire salaires coût
coûts dépense dépenses investissement investissements bénéfice bénéfices
médecin médecins infirmière infirmières infirmier hôpital hôpitaux
clinique cliniques soin soins maladie maladies patient patients vaccin
vaccins nutrition hygiène accouchement grossesse mère mères père pères
fille filles fils frère frères sœur sœurs parents parent ami amie amis amies
voisin voisine voisins voisines collègue collègues compagnon compagne mari
épouse cousin cousine oncle tante neveu nièce bébé bébés jeune jeunes adulte
adultes personne personnes gens peuple peuples population populations
habitant habitante habitants habitantes citoyen citoyenne citoyens
citoyennes membre membres bénévole bénévoles volontaire volontaires salarié
salariée salariés militant militante militants militantes responsable
responsables directeur directrice directeurs directrices président
présidente présidents coordinateur coordinatrice coordinateurs animateur
animatrice animateurs technicien technicienne techniciens ingénieur
ingénieure ingénieurs agronome agronomes vétérinaire vétérinaires juriste
juristes avocat avocate avocats comptable comptables trésorier trésorière
secrétaire secrétaires chef cheffe chefs cuisinier cuisinière cuisiniers
couturière couturier tisserande tisserand potier potière menuisier
menuisière maçon mécanicien mécanicienne chauffeur chauffeuse guide guides
traducteur traductrice interprète interprètes journaliste journalistes
photographe photographes artiste artistes musicien musicienne musiciens
chanteur chanteuse danseur danseuse écrivain écrivaine poète poétesse peintre
peintres acteur actrice théâtre cinéma musique chanson chansons danse
peinture photographie littérature poésie culture cultures langue langues
quechua aymara espagnol français anglais portugais maya mot mots phrase
phrases texte textes récit récits parole paroles voix silence bruit son sons
image images photo photos vidéo vidéos film films radio télévision internet
téléphone ordinateur ordinateurs logiciel logiciels site sites numérique
technologie technologies science sciences technique techniques méthode
méthodes pratique pratiques savoir savoirs connaissance connaissances
compétence compétences capacité capacités talent talents qualité qualités
force forces faiblesse courage patience confiance respect dignité liberté
égalité justice paix solidarité dialogue écoute partage entraide coopération
participation démocratie droit droits loi lois règle règles norme normes
politique politiques gouvernement gouvernements état états ministère
ministères mairie mairies commune communes municipalité province provinces
département départements district districts autorité autorités pouvoir
pouvoirs élection élections vote votes assemblée assemblées réunion réunions
conférence conférences forum débat débats accord accords contrat contrats
convention conventions charte plan plans stratégie stratégies action actions
activité activités initiative initiatives campagne campagnes mouvement
mouvements lutte luttes combat effort efforts changement changements
transformation développement croissance progrès amélioration innovation
innovations création créations production productions distribution vente
ventes achat achats commerce échange échanges exportation importation
transport transports logistique stockage emballage certification label
labels nombre nombres partie parties part parts reste totalité majorité
minorité groupe groupes comité comités commission commissions fédération
fédérations union unions syndicat syndicats entreprise entreprises fondation
fondations institut instituts agence agences service services alliance
alliances plateforme plateformes coopérant coopérante coopérants stagiaire
stagiaires apprenti apprentie apprentis élève élèves diplômé diplômée
diplômés promotion promotions campus faculté facultés bourse bourses stage
stages séjour séjours mission missions voyage voyages visite visites retour
départ arrivée accueil rencontre rencontres souvenir souvenirs rêve rêves
espoir espoirs envie envies désir peur peurs joie joies fierté bonheur
tristesse colère surprise émotion émotions sentiment sentiments amitié amour
gratitude reconnaissance mémoire identité origine origines tradition
traditions coutume coutumes fête fêtes cérémonie cérémonies rituel rituels
foire foires musée musées église églises parc parcs plage plages île îles
port ports aéroport gare train trains bus avion avions bateau bateaux vélo
vélos voiture voitures camion camions moto motos heure heures minute minutes
matin matins soir soirs nuit nuits midi journée journées soirée printemps été
automne hiver janvier février mars avril mai juin juillet août septembre
octobre novembre décembre lundi mardi mercredi jeudi vendredi samedi dimanche
dizaine dizaines centaine centaines moitié quart tiers double milliers
"""
_ADJECTIVES = """
local locale locales régional régionale régionaux national nationale
nationaux international internationale internationaux mondial mondiale rural
rurale ruraux urbain urbaine urbains indigène indigènes autochtone
autochtones paysan paysanne paysans paysannes populaire populaires public
publique publics privé privée privés social sociale sociaux économique
économiques culturel culturelle culturels éducatif éducative éducatifs
sanitaire sanitaires environnemental environnementale environnementaux
agricole agricoles alimentaire alimentaires familial familiale familiaux
collectif collective collectifs communautaire communautaires solidaire
solidaires associatif associative associatifs professionnel professionnelle
professionnels personnel personnelle personnels humain humaine humains
naturel naturelle naturels traditionnel traditionnelle traditionnels ancien
ancienne anciens anciennes nouveau nouvelle nouveaux nouvelles premier
première premiers premières dernier dernière derniers dernières prochain
prochaine prochaines seul seule seuls seules propre propres vrai vraie vrais
faux fausse petit petite petits petites long longue longs longues court
courte haut haute bas basse large étroit profond fort forte forts fortes
faible faibles riche riches pauvre pauvres simple simples difficile
difficiles facile faciles possible possibles impossible nécessaire
nécessaires important importante importants importantes essentiel
essentielle principal principale principaux beau belle beaux belles bon
bonne bons bonnes mauvais mauvaise meilleur meilleure meilleurs heureux
heureuse heureuses fier fière fiers fières libre libres juste justes utile
utiles capable capables prêt prête prêts actif active actifs ouvert ouverte
ouverts fermé fermée plein pleine vide chaud chaude froid froide sec sèche
humide vert verte verts vertes bleu bleue rouge rouges blanc blanche noir
noire jaune jaunes clair claire sombre doux douce dur dure lent lente rapide
rapides calme tranquille joyeux joyeuse triste tristes curieux curieuse
patiente généreux généreuse courageux courageuse créatif créative passionné
passionnée passionnés engagé engagée engagés motivé motivée motivés
reconnaissant reconnaissante convaincu convaincue inquiet inquiète surpris
content contente ému émue attentif attentive exigeant exigeante discret
discrète sérieux sérieuse modeste honnête fidèle sensible différent
différente différents différentes pareil semblable commun communs entier
entière entiers complet complète général générale particulier particulière
spécial spéciale certain certaine réel réelle concret concrète régulier
régulière quotidien quotidienne quotidiens annuel annuelle mensuel
hebdomadaire récent récente récents actuel actuelle actuels futur future
futurs lointain lointaine proche proches central centrale centraux andin
andine andins andines amazonien amazonienne côtier côtière montagnard
montagnarde péruvien péruvienne péruviens guatémaltèque guatémaltèques
espagnole espagnols européen européenne latino américain américaine
américains africain africaine française françaises bio biologique équitable
durable grand grande grands grandes vieux vieille
"""
_PROPER_NOUNS = """
Lima Cusco Pérou Guatemala Espagne France Bolivie Équateur Colombie Mexique
Honduras Nicaragua Salvador Chili Argentine Brésil Arequipa Puno Ayacucho
Cajamarca Piura Trujillo Huancayo Iquitos Quetzaltenango Antigua Cobán
Huehuetenango Sololá Chimaltenango Madrid Barcelone Séville Valence Bilbao
Grenade Paris Lyon Marseille Toulouse Bordeaux Nantes Lille Grenoble
Montpellier Strasbourg Rennes Andes Amazonie Titicaca Atitlán María José
Juan Rosa Carmen Ana Luis Pedro Lucía Elena Jorge Sofía Miguel Isabel Carlos
Teresa Manuel Julia Diego Marta Pablo Claire Marie Pierre Jean Sophie Louise
Paul Camille Nicolas Julie
"""
_NUMBERS = """
deux trois quatre cinq six sept huit neuf dix onze douze vingt trente
quarante cinquante soixante cent mille cents
"""


class ZipfClass:
    """Words of one class, drawn with Zipf weights (rank r weighs 1 / r ** s)."""

    def __init__(self, text: str, s: float = 1.1) -> None:
        self.words = list(dict.fromkeys(text.split()))
        self._cum = list(itertools.accumulate(1.0 / rank**s for rank in range(1, len(self.words) + 1)))

    def draw(self, rng: random.Random) -> str:
        """Draw one word."""
        return rng.choices(self.words, cum_weights=self._cum)[0]


_CLASSES: dict[str, ZipfClass] = {
    "D": ZipfClass(_DETERMINERS),
    "P": ZipfClass(_PREPOSITIONS),
    "R": ZipfClass(_PRONOUNS),
    "C": ZipfClass(_CONJUNCTIONS),
    "Q": ZipfClass(_RELATIVES),
    "X": ZipfClass(_AUXILIARIES),
    "B": ZipfClass(_ADVERBS),
    "V": ZipfClass(_VERBS),
    "T": ZipfClass(_PARTICIPLES),
    "I": ZipfClass(_INFINITIVES),
    "N": ZipfClass(_NOUNS, s=1.0),
    "A": ZipfClass(_ADJECTIVES, s=1.0),
    "M": ZipfClass(_PROPER_NOUNS),
    "U": ZipfClass(_NUMBERS),
}

#: Every word of every class, once, in class order (function words first).
VOCABULARY: list[str] = list(dict.fromkeys(w for c in _CLASSES.values() for w in c.words))
assert len(VOCABULARY) >= 1500, len(VOCABULARY)

# A noun phrase, then sentence patterns; "n" expands to a noun phrase, "," is a comma.
_NOUN_PHRASES = ["DN", "DNA", "DN", "DNPDN", "DAN", "M", "DNA", "DNPM", "UN"]
_PATTERNS = [
    "nVn",
    "RVBn",
    "RVnPn",
    "Pn,RVnQVn",
    "nVIn",
    "nVInPn",
    "RXTnPn",
    "RXTPM",
    "Pn,nXBTn",
    "nVnCRVn",
    "BRVIn",
    "nQVnVBA",
    "RVnPnCPn",
    "nXTPnPUN",
]

_ELISIONS = {"le": "l'", "la": "l'", "de": "d'", "que": "qu'", "je": "j'"}
_CONTRACTIONS = {("de", "le"): "du", ("de", "les"): "des", ("à", "le"): "au", ("à", "les"): "aux"}
_VOWELS = frozenset("aeiouyéèêàâîôûœ")


#: Slots whose words carry the content; the others are function words.
CONTENT_SLOTS = frozenset("NAVTIMU")

#: A paragraph before typesetting: sentences of (slot, word).
Draft = list[list[tuple[str, str]]]


def _sentence(rng: random.Random) -> list[tuple[str, str]]:
    """Return the (slot, word) pairs of one sentence; "," slots are commas."""
    out: list[tuple[str, str]] = []
    for slot in rng.choice(_PATTERNS):
        if slot == ",":
            out.append((",", ","))
        elif slot == "n":
            out.extend((c, _CLASSES[c].draw(rng)) for c in rng.choice(_NOUN_PHRASES))
        else:
            out.append((slot, _CLASSES[slot].draw(rng)))
    return out


def _typeset(words: list[str]) -> str:
    """Join words into a French sentence: contractions, elisions, capital, full stop."""
    out: list[str] = []
    for word in words:
        if word == ",":
            out[-1] += ","
        elif out and (out[-1], word) in _CONTRACTIONS:
            out[-1] = _CONTRACTIONS[out[-1], word]
        elif out and out[-1] in _ELISIONS and word[0].lower() in _VOWELS:
            out[-1] = _ELISIONS[out[-1]] + word
        else:
            out.append(word)
    text = " ".join(out)
    return text[0].upper() + text[1:] + "."


def render(draft: Draft) -> str:
    """Return the paragraph text of *draft*."""
    return " ".join(_typeset([word for _, word in sentence]) for sentence in draft)


def draft(rng: random.Random) -> Draft:
    """Return the draft of one French-like paragraph of 20 to 80 words."""
    target = rng.randint(20, 80)
    sentences: Draft = []
    count = 0
    while count < target:
        sentence = _sentence(rng)
        n = len(_typeset([word for _, word in sentence]).split())
        if count + n > 80:
            if count >= 20:
                break
            continue
        sentences.append(sentence)
        count += n
    return sentences


def paragraph(rng: random.Random) -> str:
    """Return one French-like paragraph of 20 to 80 words."""
    return render(draft(rng))


def drafts(n: int, seed: int = 0) -> list[Draft]:
    """Return *n* drafts with distinct texts, deterministic for a given *seed*."""
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[Draft] = []
    while len(out) < n:
        d = draft(rng)
        text = render(d)
        if text not in seen:
            seen.add(text)
            out.append(d)
    return out


def paragraphs(n: int, seed: int = 0) -> list[str]:
    """Return *n* distinct paragraphs, deterministic for a given *seed*."""
    return [render(d) for d in drafts(n, seed)]


def sibling(d: Draft, rng: random.Random) -> Draft:
    """Return an unrelated draft on the same pattern: same structure and function words, new content."""
    return [
        [(slot, _CLASSES[slot].draw(rng) if slot in CONTENT_SLOTS else word) for slot, word in sentence]
        for sentence in d
    ]


_ANY_WORD = ZipfClass(" ".join(VOCABULARY), s=1.0)


def edit(text: str, rng: random.Random, n_words: int) -> str:
    """Change *n_words* words of *text*: mostly replacements, some insertions and deletions."""
    tokens = text.split(" ")
    for _ in range(n_words):
        i = rng.randrange(len(tokens))
        token = tokens[i]
        trail = ""
        while token and not token[-1].isalnum():
            token, trail = token[:-1], token[-1] + trail
        new = _ANY_WORD.draw(rng)
        action = rng.random()
        if action < 0.7 or len(tokens) < 4:
            while new.lower() == token.lower():
                new = _ANY_WORD.draw(rng)
            if token[:1].isupper():
                new = new[0].upper() + new[1:]
            tokens[i] = new + trail
        elif action < 0.85:
            tokens.insert(i + 1, new)
        else:
            del tokens[i]
            if trail and i > 0:
                tokens[i - 1] = tokens[i - 1].rstrip(",.") + trail
    return " ".join(tokens)
