/**
 * Word lists the benchmark generator draws from. Oncology/bone-metastasis vocabulary, like the
 * watches litwatch is built for, and names with non-ASCII letters so that the file carries the
 * multi-byte UTF-8 real author lists do. Invented, not copied from any record.
 */
export const LAST_NAMES = [
  'Nakamura', 'Müller', 'García', 'Smith', "O'Brien", 'van der Berg', 'Kowalski', 'Ødegård', 'Nguyen',
  'Rossi', 'Dubois', 'Chen', 'Wang', 'Li', 'Zhang', 'Kim', 'Park', 'Singh', 'Patel', 'Okafor', 'Adeyemi',
  'Johansson', 'Andersen', 'Novák', 'Horváth', 'Papadopoulos', 'Yılmaz', 'Ferreira', 'Silva', 'Costa',
  'Martínez', 'López', 'Hernández', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Becker', 'Tanaka',
  'Suzuki', 'Takahashi', 'Ivanova', 'Petrov', 'Kuznetsov', 'Brown', 'Wilson', 'Taylor', 'Moreau',
  'Lefèvre', 'Bianchi', 'Romano', 'Colombo', 'Haddad', 'Khan', 'Rahman', 'Cohen', 'Levi', 'Murphy',
];

export const FORE_NAMES = [
  'Haruto', 'Siobhán', 'Pieter J', 'Anna', 'José Luis', 'Wei', 'Min-Jun', 'Priya', 'Chukwuemeka',
  'Ingrid', 'Zoë', 'François', 'Giulia', 'Mateus', 'Olga', 'Yusuf', 'Fatima', 'Lars', 'Katarzyna',
  'Thomas', 'Sarah', 'Michael', 'Emily', 'David', 'Laura', 'Hiroshi', 'Mei', 'Rahul', 'Ahmed', 'Elena',
  'Björn', 'Camille', 'Lucía', 'Noah', 'Amara', 'Tomás', 'Sven', 'Aoife', 'Dmitri', 'Leila',
];

export const DEPARTMENTS = [
  'Department of Radiation Oncology', 'Department of Medical Oncology', 'Department of Orthopaedic Surgery',
  'Department of Nuclear Medicine', 'Division of Hematology and Oncology', 'Department of Urology',
  'Department of Pathology', 'Department of Radiology', 'Institute of Cancer Research',
  'Department of Epidemiology and Biostatistics', 'Bone Metastasis Unit', 'Centre for Translational Oncology',
];

export const INSTITUTIONS = [
  'Osaka University Graduate School of Medicine, Osaka, Japan', 'Charité - Universitätsmedizin Berlin, Berlin, Germany',
  'Hospital Universitario La Paz, Madrid, Spain', 'Memorial Sloan Kettering Cancer Center, New York, NY, USA',
  'Gustave Roussy, Villejuif, France', 'Karolinska Institutet, Stockholm, Sweden',
  'University of Toronto, Toronto, ON, Canada', 'Peking University Cancer Hospital, Beijing, China',
  'Seoul National University Hospital, Seoul, Republic of Korea', 'Tata Memorial Centre, Mumbai, India',
  'Peter MacCallum Cancer Centre, Melbourne, VIC, Australia', 'Oslo University Hospital, Oslo, Norway',
  'Istituto Nazionale dei Tumori, Milan, Italy', 'University of Lagos, Lagos, Nigeria',
  'Hospital Israelita Albert Einstein, São Paulo, Brazil', 'Leiden University Medical Center, Leiden, the Netherlands',
];

export interface Journal {
  title: string;
  iso: string;
  issn: string;
}

export const JOURNALS: readonly Journal[] = [
  { title: 'Journal of bone oncology', iso: 'J Bone Oncol', issn: '2212-1374' },
  { title: 'Journal of clinical oncology : official journal of the American Society of Clinical Oncology', iso: 'J Clin Oncol', issn: '1527-7755' },
  { title: 'The Lancet. Oncology', iso: 'Lancet Oncol', issn: '1474-5488' },
  { title: 'European urology', iso: 'Eur Urol', issn: '1873-7560' },
  { title: 'Radiotherapy and oncology : journal of the European Society for Therapeutic Radiology and Oncology', iso: 'Radiother Oncol', issn: '1879-0887' },
  { title: 'Frontiers in oncology', iso: 'Front Oncol', issn: '2234-943X' },
  { title: 'Bone', iso: 'Bone', issn: '1873-2763' },
  { title: 'Cancers', iso: 'Cancers (Basel)', issn: '2072-6694' },
];

/** Subjects with markup: gene names in italics, isotopes with superscripts, as PubMed writes them. */
export const SUBJECTS = [
  '<i>TP53</i>-mutant tumours', '<sup>177</sup>Lu-PSMA-617', 'radium-223', 'denosumab', 'zoledronic acid',
  'stereotactic body radiotherapy', '<i>RANKL</i> signalling', 'osteoclast activity', '<sup>18</sup>F-FDG PET/CT',
  'skeletal-related events', '<i>BRCA2</i> carriers', 'spinal cord compression', 'bone-targeted therapy',
  'CD8<sup>+</sup> T cells', 'circulating tumour DNA', 'enzalutamide', 'abiraterone acetate', 'cabozantinib',
];

export const POPULATIONS = [
  'castration-resistant prostate cancer', 'breast cancer with bone metastases', 'multiple myeloma',
  'non-small cell lung cancer', 'renal cell carcinoma', 'spinal metastases', 'osteosarcoma',
  'thyroid cancer with skeletal involvement',
];

export const DESIGNS = [
  'a multicentre randomised phase III trial', 'a prospective cohort study', 'a retrospective analysis of a national registry',
  'a single-arm phase II trial', 'a systematic review and meta-analysis', 'a propensity-matched cohort study',
];

export const OUTCOMES = [
  'overall survival', 'progression-free survival', 'time to first symptomatic skeletal event', 'pain response at 3 months',
  'local control', 'quality of life', 'grade ≥3 adverse events', 'prostate-specific antigen response',
];

export const FILLER = [
  'Patients', 'were', 'enrolled', 'between', 'and', 'followed', 'for', 'a', 'median', 'of', 'months', 'with',
  'baseline', 'imaging', 'assessment', 'the', 'primary', 'endpoint', 'secondary', 'endpoints', 'included',
  'analysis', 'adjusted', 'for', 'age', 'performance', 'status', 'and', 'prior', 'treatment', 'lines', 'in',
  'each', 'arm', 'was', 'comparable', 'across', 'subgroups', 'defined', 'by', 'visceral', 'disease', 'burden',
  'lesions', 'scored', 'independently', 'two', 'blinded', 'readers', 'using', 'standardised', 'criteria',
];

export const MESH: readonly [ui: string, name: string][] = [
  ['D001859', 'Bone Neoplasms'], ['D011471', 'Prostatic Neoplasms'], ['D001943', 'Breast Neoplasms'],
  ['D006801', 'Humans'], ['D008297', 'Male'], ['D005260', 'Female'], ['D000368', 'Aged'],
  ['D008875', 'Middle Aged'], ['D011379', 'Prognosis'], ['D016896', 'Treatment Outcome'],
  ['D009364', 'Neoplasm Recurrence, Local'], ['D011878', 'Radiotherapy'], ['D004164', 'Diphosphonates'],
  ['D000069448', 'Denosumab'], ['D013119', 'Spinal Neoplasms'], ['D009101', 'Multiple Myeloma'],
  ['D010010', 'Osteoclasts'], ['D049268', 'Positron Emission Tomography Computed Tomography'],
];

export const QUALIFIERS: readonly [ui: string, name: string][] = [
  ['Q000556', 'secondary'], ['Q000628', 'therapy'], ['Q000000981', 'diagnostic imaging'],
  ['Q000627', 'therapeutic use'], ['Q000401', 'mortality'], ['Q000532', 'radiotherapy'],
];

export const KEYWORDS = [
  'Bone metastasis', 'Skeletal-related events', 'Radiotherapy', 'Denosumab', 'PSMA', 'Osteoclast',
  'Prognosis', 'Radium-223', 'Spinal cord compression', 'Quality of life', 'Biomarkers', 'Survival',
];

export const PUBLICATION_TYPES: readonly [ui: string, name: string][] = [
  ['D016428', 'Journal Article'], ['D016449', 'Randomized Controlled Trial'], ['D017418', 'Meta-Analysis'],
  ['D016454', 'Review'], ['D064888', 'Observational Study'], ['D017065', 'Practice Guideline'],
];
