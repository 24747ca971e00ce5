"""Withdrawal wording in the community languages rjmail reads (pl, lt, ro, pt), normalised like
English (lower case, no accents). Awaiting review by native speakers, like the letter catalogues.

Polish and Lithuanian drop pronouns, so a verb form without accents can be first or third person
("rezygnuje"); a named third person ("maz", "ji") turns it into a possible withdrawal.
"""

from __future__ import annotations

from rjmail.core.withdrawal_lexicon import Lexicon, _rx

_PL_OBJ = (
    r"(?=\s*(?:$|[.,;:!]|juz|wiecej|dalej|w tym|tego|z tym|tej sprawy|procesu|prosze|dziekuje|bo|poniewaz|"
    r"i\b|ale))"
)
_LT_OBJ = r"(?=\s*(?:$|[.,;:!]|daugiau|sio proceso|proceso|programoje|prasau|aciu|nes|ir\b|bet))"
_RO_OBJ = (
    r"(?=\s*(?:$|[.,;:!]|cu (?:acest|procesul|programul|asta)|la (?:acest|program|proces)|in (?:acest|program"
    r"|"
    r"proces)|va rog|multumesc|pentru ca|si\b|dar))"
)
_END = r"(?=\s*(?:$|[.,;:!)\-]|prosze|dziekuje|aciu|prasau|multumesc|va rog|obrigad|por favor))"

POLISH = Lexicon(
    clear=_rx(
        rf"\brezygnuje{_END}",
        r"\brezygnuje z (?:udzialu|tego(?=\s*(?:$|[.,;!]|procesu|programu|postepowania))|procesu|sprawy|progr"
        r"amu|dalszego|calego|wszystkiego|"
        r"sprawiedliwosci naprawczej|mediacji)\b",
        r"\b(?:chce|chcialabym|chcialbym|pragne|postanowilam|postanowilem)\s+(?:sie wycofac|wycofac sie|"
        rf"zrezygnowac)(?:{_END}|\s+z (?:tego(?=\s*(?:$|[.,;!]|procesu|programu|postepowania))|udzialu|proces"
        r"u|sprawy|programu|dalszego|calego|mediacji)\b)",
        rf"\bwycofuje sie(?:{_END}|\s+z (?:tego(?=\s*(?:$|[.,;!]|procesu|programu|postepowania))|udzialu|proc"
        r"esu|sprawy|programu|mediacji)\b)",
        r"\bnie chce\s+(?:juz\s+|dalej\s+|wiecej\s+)*(?:w tym\s+)?(?:brac\s+(?:w tym\s+)?udzial[ua]|uczestnic"
        r"zyc|"
        r"kontynuowac|tego robic|isc dalej|tego kontynuowac|w tym uczestniczyc|sie w to angazowac)"
        rf"{_PL_OBJ}",
        r"\bprosze\s+(?:o\s+)?zamkn(?:ac|iecie)\s+(?:moja|moj|moich|ta|tej)\s+spraw[ey]\b",
    ),
    contact=_rx(
        r"\bprosze\b(?=.*\b(?:ze mna|z mna|mnie)\b)(?!.*\bz (?:moim|moja|moimi|nia|nim|nimi|jego|jej)\b)"
        r".{0,30}\bnie\s+(?:\w+\s+){0,3}?kontaktowac\b",
        r"\bprosze o (?:niekontaktowanie|brak kontaktu)\b",
        r"\bnie chce\s+(?:juz\s+|wiecej\s+)*(?:zadnego\s+)?kontaktu(?:\s+z (?:wami|pania|panem|panstwem))?"
        r"(?=\s*(?:$|[.,;!]|prosze|dziekuje))",
        r"\b(?:nie kontaktujcie|prosze nie kontaktowac) sie ze mna\b",
    ),
    channel=_rx(
        r"\b(?:prosze\s+)?(?:do mnie\s+|mnie\s+)?(?:juz\s+|wiecej\s+)?nie\s+(?:dzwonic|pisac|wysylac|dzwoncie"
        r"|piszcie)\b",
    ),
    soft=_rx(r"\bzmienil(?:am|em)\s+zdanie\b(?!\s*(?:co do|w sprawie|odnosnie|na temat))"),
    hedge=_rx(
        r"\bnie jestem\s+(?:pewna|pewien|pewny)\b.*\b(?:kontynuowac|dalej|udzial|zrezygnowac|wycofac)",
        r"\b(?:moze|chyba)\s+(?:powinnam|powinienem)\s+(?:zrezygnowac|sie wycofac|przestac)\b",
        r"\bzastanawiam sie\s+(?:nad\s+)?(?:rezygnacja|czy zrezygnowac|czy sie wycofac|czy kontynuowac)\b",
    ),
    third=_rx(
        r"\b(?:ona|on|oni|one|maz|zona|mama|tata|corka|syn|partner|partnerka|moja \w+|moj \w+)\s+(?:juz\s+)?"
        r"(?:zmienil[ai]?\s+zdanie|nie chce|rezygnuje|chce sie wycofac|chce zrezygnowac)\b",
    ),
    negation=_rx(
        r"\bnie\s+(?:rezygnuje|wycofuje|chce (?:sie\s+)?(?:rezygnowac|zrezygnowac|wycofac)|zmienil(?:am|em)\s"
        r"+"
        r"zdania)\b",
    ),
    still=_rx(
        r"\b(?:nadal|wciaz|dalej|ciagle)\s+chce\b|\bprosze o kontakt\b|\bprosze zadzwonic\b",
        r"\bchce\s+(?:kontynuowac|wziac udzial|isc dalej|sie spotkac)",
    ),
    qualifier=_rx(
        r"\b(?:przed|po|od|miedzy)\s+(?:godz\w*\s+)?\d",
        r"\b(?:do|w) pracy\b|\bw ciagu dnia\b|\bpo poludniu\b|\bw nocy\b|\bna komorke\b|\bwieczorem\b|\brano"
        r"\b|\bwole\b|\bzamiast\b|\btylko\b|\bsms",
    ),
    pause=_rx(r"\b(?:na razie|na jakis czas|do czasu|chwilowo)\b"),
    alternative=_rx(
        r"\b(?:wole|zamiast|jest dobrze|jest ok|moze byc|prosze pisac|prosze (?:o )?(?:telefon|zadzwonic|dzwo"
        r"nic|kontakt))\b",
    ),
    question=_rx(r"\?\s*$", r"^czy\b"),
    hedged_off=_rx(r"\b(?:jesli|jezeli|gdyby|w razie|kiedy|powiedzial\w*|kazal\w*)\b"),
    bare=_rx(r"^\W*(?:rezygnuje|rezygnacja|wycofuje sie)\W*(?:dziekuje)?\W*$"),
    behalf=_rx(r"\bw imieniu\b|\bpisze za\b"),
)

LITHUANIAN = Lexicon(
    clear=_rx(
        rf"\b(?:nebenoriu|nenoriu)\s+(?:daugiau\s+)?(?:dalyvauti|testi|to testi|tuo uzsiimti){_LT_OBJ}",
        rf"\batsisakau(?:{_END}|\s+(?:dalyvauti|dalyvavimo|sio proceso|proceso|programos)\b)",
        rf"\b(?:noriu|noreciau|nusprendziau)\s+(?:pasitraukti|atsisakyti)(?:{_END}|\s+(?:is "
        r"(?:sio |to )?(?:proceso|programos)|is to|dalyvavimo|dalyvauti)\b)",
        r"\bprasau\s+uzdaryti\s+(?:mano|sia|si)\s+byla\b",
    ),
    contact=_rx(
        r"\b(?:ne(?:be)?sisiekti|ne(?:be)?sisiekite|ne(?:be)?kontaktuokite|ne(?:be)?kontaktuoti)\b"
        r"(?!.{0,15}\bsu (?!manimi\b))",
        r"\bnerasykite man daugiau\b|\bdaugiau man nerasykite\b",
    ),
    channel=_rx(r"\b(?:prasau\s+)?(?:man\s+)?(?:ne(?:be)?skambin(?:ti|kite)|nerasykite|nesiuskite)\b"),
    soft=_rx(r"\bapsigalvojau\b(?!\s*(?:del|dėl|apie))"),
    hedge=_rx(
        r"\bnesu\s+(?:tikra|tikras)\b.*\b(?:testi|dalyvauti|pasitraukti)",
        r"\b(?:gal|galbut|turbut)\s+(?:turetau|reiketu|man reiketu)\s+(?:pasitraukti|atsisakyti|nutraukti)\b",
    ),
    third=_rx(
        r"\b(?:ji|jis|jie|jos|mano (?:vyras|zmona|mama|tetis|dukra|sunus|partneris|partnere))\s+(?:jau\s+)?"
        r"(?:apsigalvojo|nebenori|nenori|atsisako|nori pasitraukti)\b",
    ),
    negation=_rx(r"\bneapsigalvojau\b|\bnenoriu\s+(?:atsisakyti|pasitraukti|nutraukti)\b|\bneatsisakau\b"),
    still=_rx(r"\b(?:vis tiek|vis dar|vis del to)\s+noriu\b", r"\bnoriu\s+(?:testi|dalyvauti|susitikti)\b"),
    qualifier=_rx(
        r"\b(?:i darba|darbe|pries|po|nuo|iki|val|vietoj|tik|rytais|vakarais|ryte|vakare|diena|darbo metu|nak"
        r"tį|nakti)\b|\d",
    ),
    pause=_rx(r"\b(?:kol kas|kuri laika|laikinai)\b"),
    alternative=_rx(r"\b(?:vietoj|geriau|tinka|galite rasyti|rasykite el)\b"),
    question=_rx(r"\?\s*$", r"^ar\b"),
    hedged_off=_rx(r"\b(?:jei|jeigu|kai|pasake|liepe)\b"),
    bare=_rx(r"^\W*(?:atsisakau|nebenoriu|stop)\W*(?:aciu)?\W*$"),
    behalf=_rx(r"\bjos vardu\b|\bjo vardu\b"),
)

ROMANIAN = Lexicon(
    clear=_rx(
        r"\bnu mai (?:doresc|vreau)\s+(?:sa\s+)?(?:particip|continui|merg mai departe|fiu implicat[a]?|fac as"
        r"ta)"
        rf"{_RO_OBJ}",
        rf"\bnu mai (?:doresc|vreau){_END}",
        rf"\brenunt(?:{_END}|\s+la (?:tot|proces|program|aceasta|asta|acest)\b)",
        r"\b(?:vreau|doresc|am decis)\s+sa\s+renunt\b(?!\s+la (?:apel|intalnirea de|ora))",
        r"\b(?:vreau|doresc|am decis)\s+sa\s+ma\s+retrag\b|\bma retrag\b(?!\s+(?:declaratia|plangerea))",
        r"\b(?:inchideti|sa inchideti)\s+(?:cazul|dosarul)\s+meu\b",
    ),
    contact=_rx(
        r"\bnu\s+ma\s+mai\s+(?:contactati|cautati|contacta)\b",
        r"\bnu mai (?:doresc|vreau) (?:sa fiu contactat[a]?|niciun contact)\b",
    ),
    channel=_rx(
        r"\bnu\s+ma\s+(?:mai\s+)?(?:sunati|suna)\b|\bnu(?:-mi| imi)\s+(?:mai\s+)?(?:scrieti|trimiteti)\b",
    ),
    soft=_rx(r"\bm-am razgandit\b(?!\s*(?:in privinta|cu privire|despre|legat de))"),
    hedge=_rx(
        r"\bnu sunt sigur[a]?\s+(?:daca|ca)\s+(?:mai\s+)?vreau\b",
        r"\bpoate ar trebui sa (?:renunt|ma retrag|ma opresc)\b",
        r"\bma gandesc sa (?:renunt|ma retrag)\b",
    ),
    third=_rx(
        r"\bs-a razgandit\b(?!\s*(?:in privinta|cu privire|despre))",
        r"\b(?:ea|el|ei|sotul meu|sotia mea|mama|tatal meu|fiica mea|fiul meu|partenerul meu)\s+nu mai "
        r"(?:vrea|doreste|vor|doresc)\b",
    ),
    negation=_rx(r"\bnu renunt\b|\bnu vreau sa renunt\b|\bnu ma retrag\b|\bnu m-am razgandit\b"),
    still=_rx(
        r"\b(?:tot|inca|in continuare)\s+(?:mai\s+)?(?:vreau|doresc)\b",
        r"(?<!mai )\b(?:vreau|doresc) sa (?:continui|particip|merg mai departe)\b",
    ),
    qualifier=_rx(
        r"\b(?:numar|adresa|telefon|mesaj\w*|sms|e-?mail|pe)\b",
        r"\b(?:la serviciu|la munca|inainte de|dupa|ora|doar|numai|prin e-?mail|in schimb|dimineata|seara|dup"
        r"a-amiaza|noaptea|in timpul zilei)\b|\d",
    ),
    pause=_rx(r"\b(?:deocamdata|pentru moment|o vreme|pana)\b"),
    alternative=_rx(r"\b(?:in schimb|prefer|e bine|este bine|merge)\b"),
    question=_rx(r"\?\s*$", r"^pot\b"),
    hedged_off=_rx(r"\b(?:daca|a spus|mi-a spus|i-am spus)\b"),
    bare=_rx(r"^\W*(?:renunt|nu mai doresc|ma retrag)\W*(?:multumesc)?\W*$"),
    behalf=_rx(r"\bin numele\b"),
)

PORTUGUESE = Lexicon(
    clear=_rx(
        r"\b(?:ja nao|nao)\s+quero\s+(?:mais\s+)?(?:continuar|participar|avancar|prosseguir|seguir em frente|"
        rf"fazer isto|fazer isso)(?:\s+mais)?(?:{_END}|\s+com (?:isto|isso|o processo|a justica restaurativa)"
        r"\b)",
        rf"\bdesisto(?:{_END}|\s+(?:do processo|disto|disso|de tudo|de participar)\b)",
        rf"\b(?:quero|decidi|vou)\s+desistir(?:{_END}|\s+(?:do processo|disto|disso|de tudo|de participar)\b)"
        r"",
        r"\bquero\s+(?:me retirar|retirar-me|sair do processo)\b",
        r"\b(?:encerrem|encerre|fechem|feche|arquivem)\s+o\s+meu\s+(?:processo|caso)\b",
    ),
    contact=_rx(
        r"\bnao\s+me\s+(?:voltem a\s+)?(?:contactem|contacte|contatem|contate|procurem)\b",
        r"\bnao\s+(?:voltem a\s+)?(?:contactar|contatar)-me\b",
        r"\bnao\s+(?:voltem a\s+)?(?:contactem|contatem)\s+(?:mais|novamente)\s*(?:$|[.,;!])",
        r"\bnao\s+(?:voltem a\s+)?entr(?:em|e)\s+(?:mais\s+)?em conta(?:c)?to comigo\b",
    ),
    channel=_rx(r"\bnao\s+(?:me\s+)?(?:liguem|ligue|telefonem|mandem mensagens|enviem)\b"),
    soft=_rx(r"\bmudei de ideias?\b(?!\s*(?:sobre|quanto|em relacao|acerca))"),
    hedge=_rx(
        r"\bnao tenho (?:a )?certeza se (?:ainda )?quero\b",
        r"\btalvez (?:deva|devesse|seja melhor) desistir\b",
        r"\bestou a pensar (?:em )?desistir\b|\bestou pensando em desistir\b",
    ),
    third=_rx(
        r"\b(?:ela|ele|eles|elas|o meu \w+|a minha \w+|meu \w+|minha \w+)\s+(?:ja\s+)?(?:mudou de ideias?"
        r"(?!\s*(?:sobre|quanto))|nao quer|ja nao quer|desistiu|quer desistir)\b",
    ),
    negation=_rx(r"\bnao\s+(?:quero\s+)?desist(?:o|ir)\b|\bnao mudei de ideias?\b|\bnao me quero retirar\b"),
    still=_rx(
        r"\b(?:ainda|continuo a)\s+quer(?:o|er)\b",
        r"(?<!nao )\bquero\s+(?:continuar|participar|avancar|seguir em frente)\b",
    ),
    qualifier=_rx(
        r"\b(?:pelo|por telefone|telemovel|celular|numero|morada)\b",
        r"\b(?:para o trabalho|no trabalho|antes das|depois das|so por|apenas|em vez|de manha|a noite|a tarde"
        r"|de noite|durante o dia)\b|\d",
    ),
    pause=_rx(r"\b(?:por agora|por enquanto|durante algum tempo|ate)\b"),
    alternative=_rx(r"\b(?:em vez|prefiro|esta bem|pode ser)\b"),
    question=_rx(r"\?\s*$", r"^posso\b"),
    hedged_off=_rx(r"\b(?:se eu|caso|disse|disseram)\b"),
    bare=_rx(r"^\W*(?:desisto)\W*(?:obrigad[oa])?\W*$"),
    behalf=_rx(r"\bem nome d[aoe]\b"),
)

LANGUAGES = {"pl": POLISH, "lt": LITHUANIAN, "ro": ROMANIAN, "pt": PORTUGUESE}
