"""Word lists for reading casualty figures from English and French text (domain/textcounts.py).

Kept apart from the rules so that a reader can check every word the rules act on.
"""

from __future__ import annotations

# number words that text2num reads (joined into phrases by the tokenizer)
NUMBER_WORDS = {
    "en": frozenset(
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
        "hundred thousand million".split()
    ),
    "fr": frozenset(
        "un une deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize "
        "vingt vingts trente quarante cinquante soixante cent cents mille million millions".split()
    ),
}
NUMBER_JOINERS = {"en": frozenset({"and"}), "fr": frozenset({"et"})}

# vague quantities: (low, high) as the words say, never a point; key = the convention's name
VAGUE = {
    "several": (2, None),
    "a few": (2, None),
    "few": (2, None),
    "some": (1, None),
    "many": (2, None),
    "numerous": (2, None),
    "multiple": (2, None),
    "a number of": (2, None),
    "dozens": (24, None),
    "scores": (40, None),
    "hundreds": (200, None),
    "thousands": (2000, None),
    "plusieurs": (2, None),
    "quelques": (2, None),
    "de nombreux": (2, None),
    "de nombreuses": (2, None),
    "des dizaines": (20, None),
    "dizaines": (20, None),
    "des centaines": (200, None),
    "centaines": (200, None),
    "unknown number": (1, None),
    "an unknown number": (1, None),
    "an unidentified number": (1, None),
    "unidentified number": (1, None),
    "an unspecified number": (1, None),
    "unspecified number": (1, None),
    "an undisclosed number": (1, None),
    "undetermined number": (1, None),
    "an undetermined number": (1, None),
    "un nombre indéterminé": (1, None),
    "un nombre inconnu": (1, None),
}
VAGUE_KEYS = {"few": "a few", "dizaines": "des dizaines", "centaines": "des centaines", "de nombreuses": "de nombreux",
              "an unknown number": "unknown number", "an unidentified number": "unknown number", "unidentified number": "unknown number",
              "an unspecified number": "unknown number", "unspecified number": "unknown number", "an undisclosed number": "unknown number",
              "undetermined number": "unknown number", "an undetermined number": "unknown number", "un nombre indéterminé": "unknown number",
              "un nombre inconnu": "unknown number"}
# "casualties" with no number: killed or injured, how many unknown (low 0)
CASUALTY_WORDS = frozenset({"casualties", "casualty", "losses", "casualities"})
# what a count may be of when it is not people
NOT_PEOPLE = frozenset(
    "goat goats cattle cow cows camel camels animal animals livestock sheep donkey donkeys chickens horses house houses "
    "home homes hut huts shop shops building buildings vehicle vehicles car cars truck trucks bus buses motorbikes "
    "motorcycles tukul tukuls church churches mosque mosques school schools village villages day days week weeks month "
    "months year years hour hours minute minutes km kilometres kilometers metres meters times rounds shells rockets "
    "bombs mortars missiles grenades airstrikes strikes drones guns rifles weapons events locations".split()
)
# a figure after these words tells of an earlier harm (a protest against a killing), not of this event
BACKGROUND = frozenset(
    "against protest protests protested condemn condemning condemned denounce denouncing denounced funeral "
    "funerals mourn mourning commemorate commemorating commemoration anniversary memory justice demanding demand "
    "demanded investigation investigating probe accused avenge revenge related culprits followed sparked contre obsèques funérailles "
    "relatives family colleagues responsible news accident retaliation response outrage outraged".split()
)
BACKGROUND_PAIRS = frozenset({("protesting", "the"), ("protesting", "against"), ("over", "the"), ("following", "the"), ("after", "the"), ("after", "a"), ("over", "two"), ("suite", "à")})
SEPARATE = ("coded separately", "coded as a separate event", "recorded separately", "separate event", "coded as separate")
# approximate round numbers: "a dozen", "une dizaine" (about 10)
APPROX_WORDS = {"a dozen": 12, "dozen": 12, "une dizaine": 10, "une quinzaine": 15, "une vingtaine": 20, "une trentaine": 30, "une centaine": 100}

# qualifiers read before a number: basis of the figure
AT_LEAST = ("at least", "a minimum of", "no fewer than", "no less than", "au moins", "au minimum")
MORE_THAN = ("more than", "over", "in excess of", "upwards of", "plus de", "plus d'", "over a", "more than a")
UP_TO = ("up to", "as many as", "at most", "less than", "fewer than", "under", "jusqu'à", "moins de")
ABOUT = ("about", "around", "approximately", "an estimated", "estimated", "roughly", "nearly", "almost", "some", "circa", "close to",
         "environ", "près de", "quelque", "presque")

# outcome words: after a count ("5 killed", "5 people were killed", "5 deaths") or before it ("killing 5")
OUTCOME_AFTER = {
    "killed": "killed", "dead": "killed", "died": "killed", "die": "killed", "deaths": "killed", "death": "killed",
    "fatalities": "killed", "fatality": "killed", "dies": "killed", "bodies": "killed", "body": "killed", "slain": "killed",
    "murdered": "killed", "executed": "killed", "beheaded": "killed", "massacred": "killed", "lynched": "killed",
    "perished": "killed", "drowned": "killed", "assassinated": "killed", "lives": "killed",
    "succumbed": "killed", "decapitated": "killed",
    "wounded": "injured", "injured": "injured", "hurt": "injured", "injuries": "injured", "injuring": "injured",
    "missing": "missing", "disappeared": "missing",
    "abducted": "abducted", "kidnapped": "abducted", "taken": "abducted", "hostage": "abducted", "hostages": "abducted",
    "arrested": "detained", "detained": "detained", "apprehended": "detained", "captured": "detained", "arrests": "detained",
    # French
    "tués": "killed", "tuées": "killed", "tué": "killed", "tuée": "killed", "morts": "killed", "mort": "killed",
    "mortes": "killed", "décès": "killed", "décédés": "killed", "victimes": None, "blessés": "injured",
    "blessées": "injured", "blessé": "injured", "blessée": "injured", "disparus": "missing", "disparues": "missing",
    "enlevés": "abducted", "enlevées": "abducted", "kidnappés": "abducted", "otages": "abducted",
    "arrêtés": "detained", "arrêtées": "detained", "interpellés": "detained", "détenus": "detained",
}
OUTCOME_AFTER = {k: v for k, v in OUTCOME_AFTER.items() if v}
# "burned to death" reads through _VIOLENT + "death"; "burned" alone is not a death ("5 busses were burned")
OUTCOME_BEFORE = {
    "killing": "killed", "killed": "killed", "kill": "killed", "kills": "killed", "murdering": "killed",
    "murdered": "killed", "executing": "killed", "executed": "killed", "execute": "killed", "executes": "killed", "massacring": "killed", "massacred": "killed",
    "beheading": "killed", "beheaded": "killed", "claimed": "killed", "claiming": "killed", "leaving": None,
    "assassinated": "killed", "assassinating": "killed", "assassinate": "killed", "assassinates": "killed",
    "lynched": "killed", "lynching": "killed", "slaughtered": "killed", "slaughtering": "killed",
    "wounding": "injured", "wounded": "injured", "injuring": "injured", "injured": "injured", "injure": "injured",
    "wound": "injured", "injures": "injured", "wounds": "injured",
    "abducting": "abducted", "abducted": "abducted", "abduct": "abducted", "abducts": "abducted",
    "kidnapping": "abducted", "kidnapped": "abducted", "kidnap": "abducted", "kidnaps": "abducted",
    "arresting": "detained", "arrested": "detained", "arrest": "detained", "arrests": "detained",
    "detaining": "detained", "detained": "detained", "detain": "detained", "detains": "detained",
    "tuant": "killed", "tué": "killed", "tue": "killed", "tuent": "killed", "blessant": "injured",
    "enlevant": "abducted", "enlevé": "abducted", "arrêté": "detained",
}
OUTCOME_BEFORE = {k: v for k, v in OUTCOME_BEFORE.items() if v}
# "the deaths of 5", "the killing of 5", "death toll of/rose to 5"
OUTCOME_OF = {"deaths": "killed", "death": "killed", "killing": "killed", "killings": "killed", "bodies": "killed",
              "murder": "killed", "murders": "killed", "massacre": "killed", "execution": "killed", "executions": "killed",
              "abduction": "abducted", "abductions": "abducted", "kidnapping": "abducted", "arrest": "detained",
              "arrests": "detained", "detention": "detained"}
TOLL_WORDS = ("death toll", "toll", "bilan")
# a two-word outcome: "lost their lives", "shot dead"
OUTCOME_PHRASES = {("lost", "their", "lives"): "killed", ("lost", "his", "life"): "killed", ("lost", "her", "life"): "killed",
                   ("ont", "péri"): "killed", ("ont", "été", "tués"): "killed", ("sont", "morts"): "killed"}

# words allowed between a count and its outcome word ("5 people were reportedly killed")
AUX = frozenset(
    "were was have has had been are is being reportedly allegedly also later all both confirmed reported "
    "extrajudicially summarily brutally "
    "feared believed said thought subsequently remain remained reported also then were found left seriously critically badly fatally slightly "
    "pronounced "
    "ont été sont a est furent auraient seraient grièvement légèrement également".split()
)
# words that end the noun phrase after a count
STOP = frozenset(
    "and or but in on at by during while after before when who which that whom whose from to into with for of "
    "as than since including among the a an this these those his her their its it they he she we "
    "et ou dans sur à au aux par pendant lors après avant quand qui que dont avec pour de du des le la les "
    "ce ces son sa ses leur leurs il ils elle elles".split()
)
SUBSET_BEFORE = ("including", "among them", "among whom", "amongst them", "of whom", "of which", "dont", "parmi lesquels",
                 "parmi eux", "among the dead", "among the victims", "among those killed")
SUBSET_AFTER = frozenset({("of", "them"), ("of", "whom"), ("of", "the"), ("of", "these"), ("of", "those"), ("of", "their"), ("of", "his"), ("d'entre", "eux"), ("d'entre", "elles")})
NONE_PHRASES = {
    "killed": ("no fatalities", "no deaths", "no one was killed", "no one killed", "nobody was killed", "no casualties",
               "no one died", "no fatality", "no reported fatalities", "no reports of fatalities", "no report of casualties",
               "no injuries or fatalities", "without casualties", "no loss of life", "aucun mort", "aucune victime",
               "pas de victime", "sans faire de victime"),
    "injured": ("no injuries", "no one was injured", "no one injured", "nobody was injured", "aucun blessé"),
}

# who the people are: (sex, age group, civilian) for a head noun; None = not said
PERSONS: dict[str, tuple[str, str, bool | None]] = {}


def _persons(words: str, sex: str, age: str, civilian: bool | None) -> None:
    for w in words.split():
        PERSONS[w] = (sex, age, civilian)


_persons("woman women mother mothers wife wives widow widows grandmother "
         "femme femmes mère mères épouse épouses", "female", "adult", None)
_persons("daughter daughters sister sisters", "female", "unknown", None)  # a daughter may be grown up
_persons("son sons brother brothers", "male", "unknown", None)
_persons("girl girls schoolgirl schoolgirls fille filles fillette fillettes", "female", "child", None)
_persons("man men father fathers husband husbands grandfather homme hommes père pères",
         "male", "adult", None)
_persons("boy boys schoolboy schoolboys garçon garçons", "male", "child", None)
_persons("child children kid kids infant infants baby babies toddler toddlers minor minors newborn teenager teenagers "
         "teen teens juvenile juveniles enfant enfants bébé bébés nourrisson nourrissons mineur mineurs adolescent adolescents",
         "unknown", "child", None)
_persons("elderly pensioner pensioners", "unknown", "elderly", None)
_persons("civilian civilians villager villagers resident residents farmer farmers herder herders herdsmen herdsman "
         "pastoralist pastoralists worshipper worshippers worshipers passenger passengers student students pupil pupils "
         "trader traders shopper shoppers passerby passersby passers-by bystander bystanders refugee refugees "
         "idp idps displaced teacher teachers nurse nurses doctor doctors journalist journalists miner miners fishermen "
         "fisherman traveller travellers travelers motorist motorists merchant merchants "
         "civil civils villageois habitant habitants agriculteur agriculteurs éleveur éleveurs élève élèves "
         "passant passants commerçant commerçants réfugiés déplacés", "unknown", "unknown", True)
_persons("soldier soldiers troops trooper troopers militant militants fighter fighters rebel rebels insurgent "
         "insurgents militiaman militiamen militia militias combatant combatants gunman gunmen attacker attackers "
         "assailant assailants jihadist jihadists policeman policemen police officer officers officers' guard guards "
         "member members personnel recruit recruits commander commanders bomber bombers terrorist terrorists "
         "soldat soldats militaire militaires combattant combattants rebelle rebelles djihadiste djihadistes "
         "jihadiste jihadistes policier policiers gendarme gendarmes assaillant assaillants miliciens milicien "
         "terroriste terroristes", "unknown", "unknown", False)
_persons("body bodies corpse corpses remains person persons people individual individuals victim victims protester protesters protestor protestors "
         "demonstrator demonstrators rioter rioters supporter supporters inhabitant inhabitants youth youths "
         "worker workers driver drivers others other relative relatives suspect suspects "
         "prisoner prisoners detainee detainees inmate inmates official officials leader leaders chief chiefs employee "
         "employees staff conscript conscripts migrant migrants thief thieves robber robbers bandit bandits vendor vendors "
         "pilgrim pilgrims patient patients politician politicians activist activists mourner mourners customer customers "
         "tourist tourists priest priests imam imams elder elders cadre cadres kidnapper kidnappers "
         "personne personnes individu individus manifestant manifestants jeune jeunes autres",
         "unknown", "unknown", None)
PLURAL_PERSONS = frozenset(w for w in PERSONS if w.endswith(("s", "x", "men", "people", "children", "youth", "police", "personnel", "elderly", "militia")) and w not in {"others'"})

# language cues (a text in neither language is said to be unsupported)
CUES = {
    "en": frozenset("the and of in was were were by with from killed attacked on at people after for an his their "
                    "kill kills killing dead wounded soldiers forces police civilians protesters".split()),
    "fr": frozenset("le la les des et du dans été ont une sur par pour avec tués morts blessés contre leur lors "
                    "est sont au aux".split()),
}
OTHER_CUES = {
    "es": frozenset("el los las y muertos heridos fueron una por con del en que asesinados".split()),
    "pt": frozenset("o os as e mortos feridos foram uma por com do da em que não".split()),
    "de": frozenset("der die das und wurden getötet verletzt ein eine mit von im bei".split()),
}
