"""The tipgraph ontology as an rdflib DefinedNamespace.

Generated from ontology/tipgraph.ttl by ``python -m tipgraph.namespace``;
do not edit by hand.
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class TG(DefinedNamespace):
    """tipgraph ontology: https://w3id.org/tipgraph/ontology#"""

    _fail = True

    # Classes
    City: URIRef  # city: A city or town.
    CivilSocietyOrganisation: URIRef  # civil-society organisation: A non-governmental, not-for-profit organisation.
    Committee: URIRef  # committee: A standing group of representatives set up to coordinate work on a subject, such as an anti-trafficking committee.
    Country: URIRef  # country: A sovereign state, identified by its ISO 3166-1 codes.
    Document: URIRef  # document: A written work: a plan, a report, a law or a source of facts.
    Engagement: URIRef  # engagement: One organisation's involvement in one programme in one role, with the countries, period and sources of that involvement (an n-ary relation).
    Event: URIRef  # event: Something that happens at a given time and place and that people or organisations take part in.
    Facility: URIRef  # facility: A service point that an organisation runs for the public, physical or virtual.
    FundingFlow: URIRef  # funding flow: An amount of money planned or moved for a programme (an IATI budget or transaction, an n-ary relation): how much, in which currency, on which day or for which
    GlobalProgramme: URIRef  # global programme: A programme that provides the framework for initiatives and projects in several countries or regions.
    GovernmentBody: URIRef  # government body: Any part of a national or sub-national government.
    GovernmentMinistry: URIRef  # government ministry: A ministry or department of a government, headed by a minister or secretary.
    Initiative: URIRef  # initiative: A programme component with its own objectives and countries, run within a larger programme.
    IntergovernmentalDialogue: URIRef  # intergovernmental dialogue: A standing forum in which governments consult each other on a subject, with a chair and a secretariat but no staff or budget of its
    IntergovernmentalOrganisation: URIRef  # intergovernmental organisation: An organisation whose members are states, such as a United Nations entity.
    LawEnforcementAgency: URIRef  # law-enforcement agency: A government agency that investigates offences and enforces the law.
    Legislation: URIRef  # legislation: A law or body of laws.
    Meeting: URIRef  # meeting: A gathering to discuss or decide, including a session within a larger event.
    MigrantResourceCentre: URIRef  # Migrant Resource Centre: A facility that gives migrants and prospective migrants information, counselling and referrals.
    NationalActionPlan: URIRef  # national action plan: A government's plan of measures and responsibilities on a subject for a period.
    NationalGovernment: URIRef  # national government: The government of a country taken as a whole.
    Organisation: URIRef  # organisation: A body of people with a shared purpose: an agency, ministry, intergovernmental body, union, civil-society group, committee or one of their units.
    OrganisationRole: URIRef  # organisation role: The part an organisation plays in a programme, following the IATI Organisation Role code list.
    OrganisationalUnit: URIRef  # organisational unit: A part of a larger organisation with no legal standing of its own, such as a wing, division, branch or section.
    Person: URIRef  # person: An individual human being named in a source.
    Place: URIRef  # place: A geographic area: a country, a region or a city.
    Post: URIRef  # post: A position within an organisation that a person can hold, whether or not the holder is named.
    PressRelease: URIRef  # press release: A news item published by an organisation about its own work.
    Programme: URIRef  # programme: An organised body of work with its own name, funding and implementers, such as a global programme, an initiative or a project.
    Project: URIRef  # project: A time-bound programme with a fixed budget and deliverables.
    Ranking: URIRef  # ranking: A report's assessment of a country, with the tier or grade it gave when the source states it.
    RecipientShare: URIRef  # recipient share: The part of a programme that goes to one country or region, as the percentage its publisher gives (an n-ary relation: programme x place x percentage).
    Region: URIRef  # region: A group of countries or an area spanning several of them.
    Report: URIRef  # report: A published assessment or account, such as an annual report ranking countries.
    SourceDocument: URIRef  # source document: A document that facts in the graph were taken from; each has its own named graph.
    SupranationalUnion: URIRef  # supranational union: A union of states with institutions of its own that can fund programmes, such as the European Union.
    Theme: URIRef  # theme: A subject area that programmes, events and organisations work on.
    Training: URIRef  # training: An event meant to build the skills or knowledge of its participants.
    VirtualMigrantResourceCentre: URIRef  # virtual Migrant Resource Centre: A Migrant Resource Centre that serves people online rather than at a physical site.
    Workshop: URIRef  # workshop: An event where participants work together on a topic through discussion and presentations.

    # Object properties
    activeIn: URIRef  # active in: The organisation works in the place, for example because it implements a programme there.
    addresses: URIRef  # addresses: The programme, event or organisation works on the theme.
    appliesTo: URIRef  # applies to: The country or place whose plan or law the document is.
    attendedBy: URIRef  # attended by: The event had the organisation, person or post-holder among its participants.
    broaderFocus: URIRef  # broader focus: A place outside the engagement's main countries whose challenges the work also addresses.
    broaderRegionalFocus: URIRef  # broader regional focus: The programme also addresses challenges in the place, beyond its main countries.
    candidateOf: URIRef  # candidate of: The source document the candidate fact was read from.
    chosenObject: URIRef  # chosen object: The entity of the graph a reviewer chose as the candidate's object, one of its alternatives or any entity of a fitting kind (tipgraph review --accept ID=ENTI
    chosenSubject: URIRef  # chosen subject: The entity of the graph a reviewer chose as the candidate's subject, one of its alternatives or any entity of a fitting kind (tipgraph review --accept ID=E
    coFundedWith: URIRef  # co-funded with: The two programmes fund the same work together (IATI related-activity type 4).
    coOrganisedBy: URIRef  # co-organised by: The event is convened jointly by the organisation or person together with other organisers; each co-organiser is also an organiser.
    contactFor: URIRef  # contact for: The person is named as a point of contact for the programme.
    discusses: URIRef  # discusses: The event gave time to the document, ranking or topic.
    engagedOrganisation: URIRef  # engaged organisation: The organisation whose involvement an engagement describes.
    engagedProgramme: URIRef  # engaged programme: The programme that an engagement is an involvement in.
    engagementCountry: URIRef  # engagement country: A country or place where the organisation does this engagement's work.
    engagementRole: URIRef  # engagement role: The role the organisation plays in the programme in this engagement.
    eventFundedBy: URIRef  # event funded by: The organisation that the source says paid for the event itself (a programme's funder is recorded on an engagement instead).
    facilityPlace: URIRef  # facility place: Where the facility is, in one property: its physical site, or for a virtual facility the place it serves. Derived from tg:siteIn and, for virtual facilitie
    flowCountry: URIRef  # flow country: The country or region a transaction names as its recipient; without it the programme's recipient shares apply.
    flowProgramme: URIRef  # flow programme: The programme whose budget or transaction the flow is (the activity that reports it).
    flowProvider: URIRef  # flow provider: The organisation the money comes from.
    flowReceiver: URIRef  # flow receiver: The organisation the money goes to.
    fundedBy: URIRef  # funded by: The programme receives money from the organisation.
    funds: URIRef  # funds: The organisation provides money for the programme; derived from engagements in the funding role.
    gaveClosingRemarksAt: URIRef  # gave closing remarks at: The participant spoke at the close of the event.
    gaveKeynoteAt: URIRef  # gave keynote at: The participant gave the event's keynote address.
    gaveOpeningRemarksAt: URIRef  # gave opening remarks at: The participant opened the event with welcome or opening remarks.
    gaveRemarksAt: URIRef  # gave remarks at: The participant spoke at the opening or closing of the event, or gave its keynote; state the specific kind with one of its sub-properties where the source
    hasEngagement: URIRef  # has engagement: Links an organisation to each of its engagements in programmes.
    hasPart: URIRef  # has part: The object is a component of the subject, directly or through intermediate parts.
    hasPartner: URIRef  # has partner: The programme names the organisation as one of its partners.
    hasRanking: URIRef  # has ranking: Links a report to each ranking it makes.
    hasSubOrganisation: URIRef  # has sub-organisation: The other organisation is a unit or agency within this one.
    heldIn: URIRef  # held in: The place where the event took place.
    holdsPost: URIRef  # holds post: The person holds the post.
    hostsSecretariatOf: URIRef  # hosts secretariat of: The organisation houses and staffs the secretariat of the dialogue, process or committee.
    implementedBy: URIRef  # implemented by: The programme is carried out by the organisation.
    implements: URIRef  # implements: The organisation carries out the programme's activities; derived from engagements in the implementing role.
    inCollaborationWith: URIRef  # in collaboration with: The organisation helped the organiser hold the event.
    ledBy: URIRef  # led by: The session or event was chaired or led by the participant.
    locatedIn: URIRef  # located in: The subject lies within the place, directly or through intermediate places.
    memberOf: URIRef  # member of: The person works for the organisation; derived from the posts they hold, and from the unit upwards: someone in a section is a member of the branch and of the organis
    mentionsCountry: URIRef  # mentions country: A country the source names as an example within a broader focus region ("the wider region, among them A, B and C"). The named countries are some of the
    objectAlternative: URIRef  # object alternative: An entity of the graph the candidate's object may name: the name fits several, so none is chosen.
    operatesIn: URIRef  # operates in: Some organisation does the programme's work in the place; derived from the programme's engagements and those of its parts.
    organisedBy: URIRef  # organised by: The event is convened by the organisation or person.
    organises: URIRef  # organises: The organisation or person convenes the event.
    partOf: URIRef  # part of: The subject is a component of the object, directly or through intermediate parts.
    participantIn: URIRef  # participant in: The organisation, person or post-holder took part in the event.
    partnerIn: URIRef  # partner in: The organisation is named as a partner of the programme, without the source saying that it funds or implements it.
    partnerOf: URIRef  # partner of: The two organisations are named as partners of each other.
    postForProgramme: URIRef  # post for programme: The programme the post exists to serve, such as the coordinator of a global programme, whichever unit the post sits in.
    postHeldBy: URIRef  # post held by: The post is held by the person.
    postIn: URIRef  # post in organisation: The organisation or unit that the post belongs to.
    presentedAt: URIRef  # presented at: The participant gave a presentation at the event.
    programmeEngagement: URIRef  # programme engagement: Links a programme to each engagement of an organisation in it.
    proposedClass: URIRef  # proposed class: The kind the extractor proposes for an entity a release names and the graph does not hold yet.
    providerProgramme: URIRef  # provider programme: The programme the money is paid out of, when the publisher names its activity (IATI provider-activity-id) and it is in the graph.
    publishedBy: URIRef  # published by: The organisation that issued the document (for a source document, its publisher in the sense of dcterms:publisher, given as the organisation's entity).
    rankedCountry: URIRef  # ranked country: The country that the ranking assesses.
    rankingReport: URIRef  # ranking report: The report that makes the ranking.
    ranks: URIRef  # ranks: The report assesses the country; derived from its rankings.
    receiverProgramme: URIRef  # receiver programme: The programme the money is paid into, when the publisher names its activity (IATI receiver-activity-id) and it is in the graph.
    recipientShare: URIRef  # recipient share: Links a programme to the share of it that goes to one country or region.
    relatedProgramme: URIRef  # related programme: The publisher relates the two programmes in a way other than one running within the other; the kind of relation is one of the sub-properties.
    reviews: URIRef  # reviews: The event examined the document, for example the progress of a plan.
    runBy: URIRef  # run by: The facility is established or operated by the organisation.
    runs: URIRef  # runs: The organisation establishes or operates the facility.
    secretariatHostedBy: URIRef  # secretariat hosted by: The organisation that houses and staffs the secretariat of a dialogue, process or committee, without the one being a unit of the other.
    serves: URIRef  # serves: The facility serves people in or from the place.
    sharePlace: URIRef  # share place: The country or region that a recipient share goes to.
    siblingOf: URIRef  # sibling of: The two programmes run within the same parent programme (IATI related-activity type 3).
    siteIn: URIRef  # site in: The city or place where a physical facility receives people.
    subEventOf: URIRef  # sub-event of: The event is a session within a larger event.
    subOrganisationOf: URIRef  # sub-organisation of: The organisation is a unit or agency within the other, directly or through intermediate units.
    subjectAlternative: URIRef  # subject alternative: An entity of the graph the candidate's subject may name: the name fits several, so none is chosen.
    thirdPartyReportOf: URIRef  # third-party report of: The programme is another organisation's report of the other programme's work (IATI related-activity type 5).
    underProgramme: URIRef  # under programme: The event or facility is organised or established as part of the programme.
    withinFrameworkOf: URIRef  # within the framework of: The programme is run as a component of a larger programme.

    # Datatype properties
    activityStatus: URIRef  # activity status: Where the programme stands, as the IATI Activity Status code list names it: pipeline/identification, implementation, finalisation, closed, cancelled or s
    actualEndDate: URIRef  # actual end date: The day the programme actually ended (IATI activity-date type 4).
    actualStartDate: URIRef  # actual start date: The day the programme actually started (IATI activity-date type 2).
    amount: URIRef  # amount: How much money the flow is, in its currency, exactly as published (negative for a reversal).
    budgetStatus: URIRef  # budget status: Whether a budget is indicative or committed (IATI Budget Status).
    candidateDetail: URIRef  # candidate detail: What else the candidate states, such as the title of the post for holdsPostIn.
    candidateRelation: URIRef  # candidate relation: The extractor's name for what the candidate states (funds, heldIn, holdsPostIn ...), as the scorer and the gold files name it.
    childActivityId: URIRef  # child activity identifier: The iati-identifier of an activity run within this programme (IATI related-activity type 2).
    coFundedActivityId: URIRef  # co-funded activity identifier: The iati-identifier of an activity that funds the same work together with this one (IATI related-activity type 4).
    confidence: URIRef  # confidence: How sure the extractor is of the candidate, from 0 to 1; below the review threshold it is flagged and never accepted by threshold.
    currency: URIRef  # currency: The ISO 4217 code of the flow's currency (the value's own, or the activity's default currency).
    dateRetrieved: URIRef  # date retrieved: The day a curator read the source at its URL; its publication date is dcterms:issued.
    endDate: URIRef  # end date: The day an event, engagement or programme ended; the same as the start for a one-day event.
    endDatePrecision: URIRef  # end date precision: How precisely the source states the tg:endDate: "month" or "year" when it names only the month or the year (the date is then the last day of it), "d
    evidenceEnd: URIRef  # evidence end: The character offset in the release's main text just after the evidence of the candidate.
    evidenceStart: URIRef  # evidence start: The character offset in the release's main text where the evidence of the candidate begins.
    evidenceText: URIRef  # evidence text: The span of the release the candidate was read from, as it stands in the text (kept in the user's store only).
    extractionRule: URIRef  # extraction rule: The rule of the extractor that proposed the candidate, such as funding.eu-funded.
    extractorVersion: URIRef  # extractor version: The version of the extractor that proposed the candidate.
    femaleParticipantCount: URIRef  # female participant count: How many of the counted participants were women; never more than the participant count.
    flowDate: URIRef  # flow date: The day money moved or was committed (an IATI transaction-date); a budget has a period (tg:startDate, tg:endDate) instead.
    flowKind: URIRef  # flow kind: What the flow is, as the IATI code lists name it: an original or revised budget, or a transaction type such as incoming funds, outgoing commitment, disbursement or e
    hadVirtualParticipants: URIRef  # had virtual participants: True when some people joined the event online, beyond those counted on site.
    iatiIdentifier: URIRef  # IATI activity identifier: The globally unique iati-identifier of the activity the programme was read from.
    iso3166Alpha2: URIRef  # ISO 3166-1 alpha-2 code: The country's two-letter ISO 3166-1 code.
    iso3166Alpha3: URIRef  # ISO 3166-1 alpha-3 code: The country's three-letter ISO 3166-1 code.
    negated: URIRef  # negated: The release states that the fact does not hold; such a candidate is shown and never ingested.
    objectText: URIRef  # object text: How the release names or writes the candidate's object.
    orgIdentifier: URIRef  # organisation identifier: An identifier of the organisation in the IATI organisation-identifier scheme (for example XM-DAC-41114), used first when organisations from struct
    parentActivityId: URIRef  # parent activity identifier: The iati-identifier of the activity this programme runs within (IATI related-activity type 1); once both are in the graph the programme is t
    participantCount: URIRef  # participant count: How many people the source says took part in the event.
    plannedEndDate: URIRef  # planned end date: The day the programme was planned to end (IATI activity-date type 3).
    plannedStartDate: URIRef  # planned start date: The day the programme was planned to start (IATI activity-date type 1).
    proposedLabel: URIRef  # proposed label: The name the extractor proposes for an entity a release names and the graph does not hold yet; it becomes the skos:prefLabel when a candidate naming it is
    providerActivityId: URIRef  # provider activity identifier: The iati-identifier of the activity the money is paid out of, as published, whether or not that activity is in the graph.
    rankingYear: URIRef  # ranking year: The year whose edition of the report gives the ranking (the report's year, not the period it covers).
    readFrom: URIRef  # read from: The name of the file an extracted release was read from.
    receiverActivityId: URIRef  # receiver activity identifier: The iati-identifier of the activity the money is paid into, as published, whether or not that activity is in the graph.
    refusalReason: URIRef  # refusal reason: Why tipgraph ingest left an accepted candidate out (its review status is then "refused"), such as an end of the wrong kind for the relation; accepting the
    relatedActivityId: URIRef  # related activity identifier: The iati-identifier of an activity the programme's publisher relates it to, kept as written whether or not that activity is in the graph;
    releaseText: URIRef  # release text: The main text of an extracted release, which the candidates' evidence offsets point into (kept in the user's store only).
    reviewStatus: URIRef  # review status: What a reviewer decided about the candidate: "accepted" or "rejected" (a candidate without a decision is pending), or "refused" when tipgraph ingest left an
    sectorCode: URIRef  # sector code: An OECD DAC five-digit purpose code of the sector the programme works in; codes that correspond to a tipgraph theme are also stated as tg:addresses.
    sharePercentage: URIRef  # share percentage: The percentage of the programme that goes to the share's place, from 0 to 100, when the publisher gives it.
    siblingActivityId: URIRef  # sibling activity identifier: The iati-identifier of an activity with the same parent (IATI related-activity type 3).
    sourceUrl: URIRef  # source URL: The web address where the source document was read, as an xsd:anyURI literal; a document printed inside another carries the address of the page it was read on.
    startDate: URIRef  # start date: The day an event, engagement or programme began.
    startDatePrecision: URIRef  # start date precision: How precisely the source states the tg:startDate: "month" or "year" when it names only the month or the year (the date is then the first day of
    subjectText: URIRef  # subject text: How the release names the candidate's subject.
    thirdPartyActivityId: URIRef  # third-party activity identifier: The iati-identifier under which another organisation reports on the same work (IATI related-activity type 5).
    tier: URIRef  # tier: The tier or grade a ranking gives, as the report writes it.
    tierLevel: URIRef  # tier level: The tier as an ordinal, 1 best: in the U.S. Trafficking in Persons Report Tier 1 is 1, Tier 2 is 2, the Tier 2 Watch List 3 and Tier 3 4, so that a country's tier
    valueDate: URIRef  # value date: The day whose exchange rate converts the amount into another currency, as IATI gives it.

    # Individuals
    AccountableRole: URIRef  # accountable: The organisation answers for the programme and oversees it.
    ExtendingRole: URIRef  # extending: The organisation manages the funds on the funder's behalf and passes them to implementers.
    FundingRole: URIRef  # funding: The organisation provides the money for the programme.
    ImplementingRole: URIRef  # implementing: The organisation carries out the programme's activities.
    OrganisationRoleScheme: URIRef  # organisation roles: The IATI Organisation Role codes: the parts an organisation can play in a programme.
    ThemeScheme: URIRef  # tipgraph themes: The subject areas used to classify programmes, events and organisations.

    _NS = Namespace("https://w3id.org/tipgraph/ontology#")
