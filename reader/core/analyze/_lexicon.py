"""Word lists for the quote and people rules: written for this project, not copied.

Everything is a frozenset of lower-case words so lookups are O(1). The lists are short on
purpose: they cover the words English-language news uses around quotations and names.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Common given names, by the gender the name usually has; used to tell a person's name
# from other capitalised phrases and to resolve "he"/"she".
MALE_NAMES = _words(
    """
    aaron abdel abdul abe abraham adam adrian ahmed ahmad al alan albert alec alejandro alex
    alexander alexei alexey alfred ali alistair allen alvin amir anatoly andre andrea andreas
    andrew andy angus anthony antonio anton archie armando arnold arthur ashton austin barack
    barney barry bart ben benjamin benny bernard bernie bert bill billy bob bobby boris brad
    bradley brandon brendan brent brett brian bruce bryan buck bud byron caleb calvin cameron
    carl carlos cary cecil cesar chad charles charlie chester chris christian christopher chuck
    clarence clark claude clay clayton cliff clifford clint cody colin conor connor corey
    cory craig curt curtis dale dallas damian damon dan daniel danny darius darrell darren dave
    david dean dennis derek devin dick diego dmitry dmitri dominic don donald doug douglas drew
    duane dustin dwight earl ed eddie edgar edmund eduardo edward edwin elijah elliot elliott
    elon emmanuel enrique eric erik ernest ernie ethan eugene evan everett felipe felix fernando
    francis francisco frank franklin fred freddie frederick gabriel gareth gary gavin gene
    geoffrey george gerald gerard gerhard gilbert glenn gordon graham grant greg gregory gus guy
    hamid hank hans harold harris harry harvey hassan hector henry herbert herman howard hugh
    hugo hunter ian igor ike ira isaac ivan jack jackson jacob jake jamal james jamie jared jason
    javier jay jean jeb jeff jeffrey jeremy jerome jerry jesse jesus jim jimmy joe joel joey john
    johnnie johnny jon jonathan jordan jorge jose joseph josh joshua juan julian julius justin
    karl keith ken kenneth kenny kevin khalid kim kirk kurt kyle lamar lance larry lawrence lee
    leo leon leonard leroy les lester lewis liam lindsey lloyd logan lou louis lucas luis luke
    luther malcolm manuel marc marco marcus mario mark marshall martin marvin matt matteo matthew
    maurice maury max maxwell michael miguel mike miles mitch mitchell mitt mohamed mohammad
    mohammed muhammad nathan nathaniel neil nelson nicholas nick nicolas nigel noah norman oliver
    omar oscar otto owen pablo pat patrick paul pedro pete peter phil philip phillip pierre rafael
    ralph ramon randall randy ray raymond reed reggie reginald reince rex ricardo richard rick
    ricky rob robby robert roberto rod rodney roger roland ron ronald ronnie ross roy rudy rush
    russell ryan sam samuel scott sean sebastian sergei sergey seth shane shaun sid simon stan
    stanley stefan stephen steve steven stewart stuart ted terence terrence terry theo theodore
    thomas
    tim timothy toby todd tom tommy tony travis trent trevor troy tyler vernon victor vince
    vincent vladimir wade walker wallace walter warren wayne wes wesley will william willie
    wolfgang xavier yuri zach zachary
    """
)
FEMALE_NAMES = _words(
    """
    abby abigail ada adele adrienne agnes aileen alexandra alexis alice alicia alison allison
    alma amanda amber amelia amy ana andrea angela angelina anita ann anna anne annie antoinette
    april arlene ashley audrey ava barbara beatrice becky belinda bernadette beth betsy betty
    beverly bianca bonnie brenda brianna bridget brittany brooke camila candace carla carly carmen
    carol carole caroline carolyn carrie cassandra catherine cathy cecilia celia charlene
    charlotte chelsea cheryl chloe christina christine claire clara claudia colleen connie
    constance courtney crystal cynthia daisy dana danielle daphne darlene dawn debbie deborah
    debra delores denise diana diane dolores donna doris dorothy edith eileen elaine eleanor elena
    elisabeth elizabeth ella ellen elsa emily emma erica erin esther ethel eva eve evelyn fatima
    fiona florence frances gabriela gabrielle gail georgia geraldine gina gladys gloria grace
    greta gretchen gwen hannah harriet hazel heather heidi helen helena hilary hillary holly hope
    huma ida ingrid irene iris isabel isabella ivanka jackie jacqueline jane janet janice jasmine
    jean jeanne jennifer jenny jessica jill jo joan joanna joanne jocelyn jodi josephine joy joyce
    judith judy julia julie june karen kate katherine kathleen kathryn kathy katie katrina kay
    kayla kellyanne kelly kim kimberly kirsten kristen kristin laura lauren laurie leah leslie
    lillian linda lisa lois loretta lori lorraine louise lucia lucy lydia lynn madeleine madeline
    maggie mandy marcia margaret margarita maria marianne marie marilyn marion marjorie marsha
    martha mary maxine megan meghan melania melanie melinda melissa meredith michaela michelle
    mildred mindy miranda molly monica nadia nancy naomi natalie natasha nicole nikki nina nora
    norma olivia paige pam pamela patricia patti paula pauline peggy penny phyllis priscilla
    rachel rebecca regina renee rhonda rita roberta robin rosa rosalind rose rosemary ruth sally
    samantha sandra sara sarah selena serena sharon sheila shelley sherry shirley sofia sonia
    sophia sophie stacy stella stephanie sue susan susanne suzanne sylvia tamara tammy tanya tara
    teresa theresa tiffany tina tracy tulsi ursula valerie vanessa vera veronica victoria viola
    violet virginia vivian wanda wendy whitney yolanda yvonne zoe
    """
)
GIVEN_NAMES = MALE_NAMES | FEMALE_NAMES

# Short forms that name the same person as the long form ("Jim Mattis" = "James Mattis").
NICKNAMES: dict[str, str] = {
    "jim": "james",
    "jimmy": "james",
    "jamie": "james",
    "bill": "william",
    "billy": "william",
    "will": "william",
    "willie": "william",
    "bob": "robert",
    "bobby": "robert",
    "rob": "robert",
    "robby": "robert",
    "mike": "michael",
    "mick": "michael",
    "dick": "richard",
    "rick": "richard",
    "ricky": "richard",
    "tom": "thomas",
    "tommy": "thomas",
    "tony": "anthony",
    "joe": "joseph",
    "joey": "joseph",
    "dan": "daniel",
    "danny": "daniel",
    "dave": "david",
    "steve": "steven",
    "stephen": "steven",
    "chris": "christopher",
    "matt": "matthew",
    "nick": "nicholas",
    "pat": "patrick",
    "ted": "edward",
    "ed": "edward",
    "eddie": "edward",
    "ben": "benjamin",
    "sam": "samuel",
    "alex": "alexander",
    "andy": "andrew",
    "greg": "gregory",
    "jeff": "jeffrey",
    "jon": "jonathan",
    "ken": "kenneth",
    "larry": "lawrence",
    "liz": "elizabeth",
    "beth": "elizabeth",
    "betsy": "elizabeth",
    "kate": "katherine",
    "kathy": "katherine",
    "cathy": "catherine",
    "sue": "susan",
    "peggy": "margaret",
    "maggie": "margaret",
    "jenny": "jennifer",
    "becky": "rebecca",
    "vlad": "vladimir",
    "sergey": "sergei",
    "hilary": "hillary",
    "tim": "timothy",
    "ron": "ronald",
    "don": "donald",
    "phil": "philip",
    "fred": "frederick",
    "jerry": "gerald",
    "chuck": "charles",
    "charlie": "charles",
    "hank": "henry",
    "harry": "henry",
    "jack": "john",
    "johnny": "john",
    "sandy": "sandra",
    "pam": "pamela",
    "deb": "deborah",
    "debbie": "deborah",
}

# Titles written before a name; the value is the gender they imply ("" for none).
HONORIFICS: dict[str, str] = {
    "mr": "m",
    "mrs": "f",
    "ms": "f",
    "miss": "f",
    "mx": "",
    "dr": "",
    "prof": "",
    "professor": "",
    "sir": "m",
    "dame": "f",
    "lord": "m",
    "lady": "f",
    "rev": "",
    "reverend": "",
    "father": "m",
    "sister": "f",
    "rabbi": "",
    "imam": "",
    "sheikh": "m",
    "king": "m",
    "queen": "f",
    "prince": "m",
    "princess": "f",
    "pope": "m",
    "president": "",
    "gen": "",
    "general": "",
    "col": "",
    "colonel": "",
    "lt": "",
    "maj": "",
    "major": "",
    "capt": "",
    "captain": "",
    "adm": "",
    "admiral": "",
    "sgt": "",
    "sergeant": "",
    "sen": "",
    "senator": "",
    "rep": "",
    "representative": "",
    "gov": "",
    "governor": "",
    "mayor": "",
    "judge": "",
    "justice": "",
    "chancellor": "",
    "premier": "",
    "minister": "",
    "secretary": "",
    "ambassador": "",
    "commissioner": "",
    "chairman": "m",
    "chairwoman": "f",
    "chair": "",
    "speaker": "",
    "leader": "",
    "congressman": "m",
    "congresswoman": "f",
    "councilman": "m",
    "councilwoman": "f",
    "sheriff": "",
    "officer": "",
    "detective": "",
    "coach": "",
    "candidate": "",
    "nominee": "",
    "vice": "",
    "prime": "",
    "deputy": "",
    "attorney": "",
    "former": "",
    "chief": "",
    "first": "",
    "state": "",
    "foreign": "",
    "defence": "",
    "defense": "",
    "interior": "",
    "finance": "",
    "dean": "",
    "principal": "",
    "director": "",
    "spokesman": "m",
    "spokeswoman": "f",
    "spokesperson": "",
    "lawmaker": "",
    "activist": "",
    "economist": "",
    "analyst": "",
    "superintendent": "",
    "inspector": "",
    "commander": "",
    "marshal": "",
    "emir": "m",
    "ayatollah": "m",
    "archbishop": "m",
    "bishop": "",
    "cardinal": "m",
    "chef": "",
}

# Role words that, capitalised right before a name, are a title and not part of the name:
# "Reporter Dagny Holm", "Councillor Imogen Farrant", "Senior Reporter X". Only a leading
# word counts ("Maurice Bishop", "Sarah Chancellor" keep their surnames). Titles already in
# HONORIFICS are not repeated here.
ROLE_TITLES = _words(
    """
    reporter correspondent columnist editor anchor presenter host producer photographer
    councillor councilor councilmember alderman alderwoman alderperson assemblyman
    assemblywoman assemblymember delegate selectman selectwoman supervisor trustee
    comptroller controller treasurer auditor clerk coroner registrar magistrate prosecutor
    solicitor barrister lawyer constable trooper warden ranger firefighter paramedic manager
    skipper pastor priest vicar deacon chaplain vice-chancellor provost headteacher headmaster
    headmistress lecturer doctor nurse surgeon chairperson envoy consul campaigner organiser
    organizer founder legislator mp mep msp mla ceo
    """
)

# Abbreviations that end in a full stop without ending a sentence.
ABBREVIATIONS = _words(
    """
    mr mrs ms dr prof sen rep gov gen col lt maj capt adm sgt rev st jr sr sens reps govs
    no vs etc inc corp co ltd mt ft jan feb mar apr aug sept sep oct nov dec u.s u.k u.n
    d.c e.g i.e a.m p.m pres supt insp det del
    """
)

# Noun heads that name a role; "the president", "a spokesman", "defence secretary".
ROLE_NOUNS = _words(
    """
    president secretary minister senator representative congressman congresswoman governor
    mayor spokesman spokeswoman spokesperson leader chairman chairwoman chair chief director
    official officials adviser advisor advisers advisors aide aides strategist strategists
    economist economists analyst analysts professor expert experts lawyer lawyers attorney
    judge justice candidate nominee founder executive ceo manager chancellor ambassador
    diplomat commander general admiral officer officers sheriff commissioner premier king
    queen prince princess pope activist activists lawmaker lawmakers legislator legislators
    pollster historian scientist researcher researchers author writer columnist editor
    reporter correspondent host anchor coach teacher doctor surgeon physician nurse student
    voter voters resident residents supporter supporters critic critics protester protesters
    organizer organiser member members speaker whip deputy vice-president frontrunner
    front-runner incumbent challenger businessman businesswoman billionaire mogul tycoon
    surrogate source sources insider insiders witness witnesses worker workers owner
    director-general secretary-general campaigner campaigners negotiator negotiators envoy
    prosecutor prosecutors investigator investigators detective rabbi imam pastor priest
    bishop archbishop cardinal partner consultant consultants observer observers
    economist chairperson treasurer councillor councilor alderman rep sen gov man woman
    mother father wife husband daughter son brother sister friend neighbour neighbor
    survivor victim veteran veterans farmer farmers owner owners employee employees
    curator shopkeeper engineer engineers architect pilot captain driver chef artist singer
    actor actress player manager treasurer clerk accountant banker broker trader merchant
    fisherman miner officer constable inspector ranger guard firefighter paramedic teacher
    principal headteacher lecturer scholar economist mayor councillor governor chair
    announcer narrator reader viewer caller listener commentator blogger poster
    readers viewers callers listeners visitor visitors tourist tourists passenger passengers
    customer customers shopper shoppers parents patients citizen citizens
    questioner moderator interviewer fans locals islander islanders villager villagers
    user users commuter commuters
    presenter producer photographer councilman councilwoman alderwoman assemblyman
    assemblywoman delegate supervisor trustee comptroller auditor coroner magistrate
    solicitor barrister superintendent sergeant trooper warden skipper vicar deacon chaplain
    provost dean headmaster headmistress consul
    librarian librarians volunteer volunteers teachers nurses doctors students pupil pupils
    pharmacist dentist midwife therapist psychologist psychiatrist counsellor counselor
    counsel carer caregiver vet veterinarian medic medics clinician scientists biologist
    chemist physicist geologist ecologist epidemiologist virologist statistician
    mathematician sociologist anthropologist archaeologist astronomer meteorologist
    climatologist tutor instructor trainer programmer developer designer technician mechanic
    electrician plumber labourer laborer contractor surveyor planner cashier receptionist
    waiter waitress bartender barista cleaner janitor caretaker housekeeper gardener nanny
    postman postwoman policeman policewoman fireman firefighters paramedics soldier soldiers
    sailor journalist journalists publisher novelist poet playwright screenwriter composer
    musician sculptor filmmaker dancer athlete swimmer cyclist footballer goalkeeper
    midfielder defender umpire referee jockey coordinator administrator mediator lobbyist
    entrepreneur investor investors shareholder shareholders landlord tenant tenants
    homeowner homeowners retiree pensioner pensioners apprentice intern translator
    interpreter salesman saleswoman stewardess nun sportsman sportswoman
    """
)
# Descriptor heads that stand for an organisation ("the influential US daily").
ORG_NOUNS = _words(
    """
    newspaper daily paper tabloid broadcaster network channel agency ministry department
    company firm group organisation organization campaign committee government administration
    report statement study survey poll magazine website outlet party union council court
    office bank fund foundation institute commission bureau service article letter ad advert
    advertisement narrator piece clip video book memo email message filing lawsuit complaint
    document release website page blog editorial column documentary film broadcast program
    programme show team ruling decision opinion order verdict indictment motion brief
    tweet post finding findings analysis audit
    """
)

# Capitalised words that start sentences or name days, months and similar: never a name.
STOP_CAPS = _words(
    """
    a an the and but or nor so yet for if then than that this these those there here it its
    he she they we i you him her them us me my our your their his hers who whom whose what
    which when where why how while whilst although though because since after before during
    until unless as at by in into on onto of off out over under up down from with without
    within about above across against along among around behind below beneath beside between
    beyond despite except inside near outside past per through throughout toward towards upon
    via all any both each either every few many more most much neither no none not nothing
    one other others several some such also just only even still already again yet perhaps
    maybe meanwhile however moreover instead indeed nevertheless nonetheless otherwise thus
    therefore hence yes no oh well now today tonight tomorrow yesterday monday tuesday
    wednesday thursday friday saturday sunday january february march april may june july
    august september october november december jan feb mar apr jun jul aug sep sept oct nov
    dec mon tue tues wed thu thurs fri sat sun speaking asked asked told said says saying
    according read related more click watch see photo photos video image getty ap afp
    updated posted published advertisement share comment comments correction editor's note
    sources source officials critics experts analysts supporters
    god lord christmas easter ramadan thanksgiving halloween
    let lets let's do does did don't can can't could would should will won't must might shall
    is are was were be been being have has had am
    chapter section part page figure table episode season act
    first second third last next new old mid late early
    north south east west northern southern eastern western central
    democrat democrats democratic republican republicans gop conservative conservatives liberal
    liberals labour tory tories progressive progressives independent independents
    american americans british european russian chinese
    internet web online covid coronavirus
    """
)

# Words that make a capitalised phrase an organisation, not a person.
ORG_WORDS = _words(
    """
    party committee department ministry service services agency council association
    university college institute institution foundation center centre times post news press
    journal network bank fund corp corporation inc ltd llc company co group union office house
    court senate congress parliament assembly campaign organization organisation commission
    bureau board administration army navy force forces police church club league school schools
    hospital street avenue road square airport station museum library gallery tribune herald
    gazette telegraph guardian observer independent chronicle daily weekly magazine review
    radio television tv channel broadcasting media studios pictures records airlines airways
    motors holdings partners capital group industries international global federation alliance
    coalition movement front council caucus brigade battalion regiment guard guards command
    embassy consulate mission bank exchange reserve treasury cabinet government state states
    republic kingdom federation union nations city county province district region valley
    island islands mountains river lake sea ocean bay gulf coast beach park hall tower bridge
    center centers centres hotel resort casino stadium arena field trust project initiative
    program programme institute academy society council fellowship lab labs laboratory
    laboratories system systems network networks times ledger sentinel courier mirror globe
    record examiner inquirer bulletin dispatch express standard tribune enquirer
    """
)

# Organisations, agencies and outlets that news text names bare.
KNOWN_ORGS = _words(
    """
    nato isis isil daesh reuters tass ap afp bbc cnn msnbc fox abc cbs nbc npr pbs fbi cia nsa
    dhs doj epa irs fsb kgb gru mi5 mi6 un eu imf opec who wto nafta pentagon kremlin congress
    senate parliament interpol hamas hezbollah taliban al-qaeda politico breitbart axios
    bloomberg twitter facebook google apple amazon microsoft instagram youtube tiktok reddit
    netflix gop rnc dnc aclu naacp nra osce ria interfax xinhua yonhap kyodo dpa ansa efe
    nasa noaa cdc fda sec ftc fcc dod dhs nhs ukip snp sinn
    """
)

# Countries, capitals, US states and other places that news text names bare.
PLACES = _words(
    """
    afghanistan albania algeria angola argentina armenia australia austria azerbaijan bahrain
    bangladesh belarus belgium bolivia bosnia brazil bulgaria cambodia cameroon canada chad chile
    china colombia congo croatia cuba cyprus czechia denmark ecuador egypt england eritrea
    estonia ethiopia europe finland france georgia germany ghana greece guatemala haiti honduras
    hungary iceland india indonesia iran iraq ireland israel italy jamaica japan jordan
    kazakhstan kenya korea kosovo kuwait laos latvia lebanon libya lithuania luxembourg
    macedonia malaysia mali malta mexico moldova mongolia montenegro morocco mozambique myanmar
    nepal netherlands nicaragua niger nigeria norway oman pakistan palestine panama paraguay
    peru philippines poland portugal qatar romania russia rwanda scotland senegal serbia
    singapore slovakia slovenia somalia spain sudan sweden switzerland syria taiwan tajikistan
    tanzania thailand tunisia turkey turkmenistan uganda ukraine uruguay uzbekistan venezuela
    vietnam wales yemen zambia zimbabwe africa asia america americas antarctica arctic
    crimea donbas gaza kashmir tibet balkans caucasus baltic scandinavia
    us usa uk u.s u.k britain
    alabama alaska arizona arkansas california colorado connecticut delaware florida hawaii
    idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan
    minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon pennsylvania
    tennessee texas utah vermont virginia wisconsin wyoming carolina dakota hampshire jersey
    moscow london paris berlin brussels washington beijing tokyo kiev kyiv rome madrid vienna
    warsaw prague budapest athens ankara istanbul tehran baghdad damascus aleppo kabul
    islamabad delhi mumbai cairo jerusalem riyadh dubai doha beirut geneva zurich amsterdam
    dublin edinburgh manchester birmingham liverpool glasgow toronto ottawa montreal vancouver
    sydney melbourne havana caracas lima bogota santiago mexico chicago boston philadelphia
    baltimore atlanta miami detroit cleveland houston dallas austin denver phoenix seattle
    portland francisco angeles vegas orleans york manhattan brooklyn queens bronx harlem
    milwaukee pittsburgh charlotte nashville memphis louisville cincinnati columbus
    minneapolis sacramento springfield richmond raleigh tampa orlando omaha tulsa albany
    hollywood silicon wall broadway sochi kaliningrad minsk tbilisi yerevan baku riga tallinn
    vilnius helsinki stockholm oslo copenhagen lisbon belgrade sarajevo zagreb bucharest sofia
    pyongyang seoul hanoi bangkok manila jakarta shanghai hong kong
    """
)
# Organisation and place words above that are also common surnames ("Helen Park", "Frank
# Church", "Jack London"). After a given name, or alone for someone already named in full,
# they name a person unless the text uses them as a place ("in Central Park", "the Church").
SURNAME_WORDS = _words(
    """
    park street church hall field house post court bank bay lake tower
    london washington houston cleveland york denver austin dallas jordan richmond raleigh
    phoenix columbus springfield wall
    """
)
# Titles that join words inside names of places or groups: "Secretary of State".
NAME_PARTICLES = _words("van von de der den del della da di du le la bin ibn al el dos das ter")

# Speech and attribution verbs, every inflection written out.
CUE_VERBS = _words(
    """
    say says said saying tell tells told telling add adds added adding ask asks asked asking
    write writes wrote writing written insist insists insisted insisting warn warns warned
    warning reply replies replied replying respond responds responded responding explain
    explains explained explaining argue argues argued arguing claim claims claimed claiming
    declare declares declared declaring note notes noted noting continue continues continued
    conclude concludes concluded concluding state states stated stating remark remarks
    remarked recall recalls recalled recalling quip quips quipped joke jokes joked tweet tweets
    tweeted tweeting post posted announce announces announced acknowledge acknowledges
    acknowledged admit admits admitted agree agrees agreed assert asserts asserted contend
    contends contended complain complains complained suggest suggests suggested predict
    predicts predicted urge urges urged vow vows vowed promise promises promised report
    reports reported describe describes described testify testifies testified concede
    concedes conceded emphasize emphasizes emphasized emphasise emphasised stress stresses
    stressed observe observes observed charge charges charged counter counters countered
    retort retorts retorted shout shouts shouted yell yells yelled scream screamed cry cries
    cried exclaim exclaimed whisper whispered mutter muttered boast boasts boasted confirm
    confirms confirmed deny denies denied maintain maintains maintained reiterate reiterated
    recount recounted lament laments lamented comment comments commented caution cautions
    cautioned demand demands demanded chant chanted sing sings sang pledge pledged proclaim
    proclaimed call calls called calling dub dubbed label labeled labelled brand branded
    blast blasts blasted slam slams slammed praise praised criticize criticized criticise
    criticised accuse accuses accused mock mocked tout touts touted thunder thundered
    explain opine opined muse mused wonder wondered worry worried think thinks thought
    believe believes believed hope hopes hoped conclude find finds found read reads
    interject interjected interrupt interrupted begin began plead pleaded fume fumed
    sigh sighed laugh laughed smile smiled nod nodded grin grinned snap snapped
    acknowledging quoting quoted explaining
    attack attacks attacked denounce denounces denounced condemn condemns condemned
    decry decries decried
    """
)
# Cue verbs that usually take a full quotation (used to prefer "said" over "called").
SPEECH_VERBS = _words(
    """
    say says said saying tell tells told add adds added ask asks asked write writes wrote
    reply replies replied respond responded explain explained insist insisted warn warned
    continue continued conclude concluded declare declared state stated note noted argue argued
    quip quipped joke joked tweet tweeted recall recalled remark remarked retort retorted
    """
)

# Words that may stand between a speaker and the cue verb: "she also said", "he has said".
ADVERBS_BEFORE_CUE = _words(
    """
    also later then has had have was is once previously recently again first further
    had earlier subsequently would will could might may often repeatedly once still
    now never always just even soon already
    """
)

# Cue verbs that judge rather than report speech: “…,” when Clinton blasted him.
WEAK_CUES = _words(
    """
    call calls called calling dub dubbed label labeled labelled brand branded blast blasts
    blasted slam slams slammed praise praised criticize criticized criticise criticised
    accuse accuses accused mock mocked tout touts touted think thinks thought believe
    believes believed hope hopes hoped worry worried wonder wondered find finds found
    smile smiled nod nodded grin grinned laugh laughed sigh sighed
    attack attacks attacked denounce denounces denounced condemn condemns condemned
    decry decries decried
    """
)
# Words that open a subordinate clause; a name after one is not the quote's speaker.
SUBORDINATORS = _words(
    """
    when whenever while as after before because since if unless although though until
    who whom whose which where
    """
)

# Role words that give a gender: "a 40-year-old man", "the group's spokeswoman".
GENDERED_ROLES: dict[str, str] = {
    **dict.fromkeys(
        """man father husband son brother uncle grandfather nephew boyfriend businessman
        spokesman chairman congressman councilman actor king prince widower alderman
        assemblyman selectman headmaster postman policeman fireman salesman sportsman
        waiter""".split(),
        "m",
    ),
    **dict.fromkeys(
        """woman mother wife daughter sister aunt grandmother niece girlfriend businesswoman
        spokeswoman chairwoman congresswoman councilwoman actress queen princess widow
        alderwoman assemblywoman selectwoman headmistress postwoman policewoman saleswoman
        sportswoman nun waitress stewardess""".split(),
        "f",
    ),
}
