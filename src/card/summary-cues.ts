/**
 * Cues that mark a sentence's role in an unstructured abstract. Each is tested against the
 * sentence with any leading markup (`*`, quotes, brackets) removed. Kept narrow on purpose: a
 * missed cue shows "Not stated in the abstract", a loose one quotes the wrong sentence.
 */

/**
 * A sentence that opens the conclusion ("In conclusion", "These findings suggest", "Overall,").
 * "Overall" needs its comma: "Overall survival was…" is a result, not a conclusion.
 */
const CONCLUSION_CUE = new RegExp(
  '^(?:' +
    [
      'in conclusion',
      'to conclude',
      'we conclude',
      'in summary',
      'to summari[sz]e',
      'taken together',
      'collectively,',
      'overall,',
      'altogether,',
      '(?:together,? )?(?:these|our|the present|the current|this)(?: \\S+){0,2}? ' +
        '(?:findings|results|data|observations|analyses|study|studies|work)(?: \\S+)? ' +
        '(?:suggest|indicat|show|demonstrat|support|highlight|reveal|provid|impl|underscor|establish)\\w*',
    ].join('|') +
    ')(?![\\w-])',
  'i',
);

/**
 * A sentence stating the aim: "This review…", "This study…", "Here we…", "We investigated…",
 * "In this study, we examined…", "The aim of this study was…". Methods verbs ("We performed")
 * and results verbs ("We found") are left out: they are not what a paper sets out to do.
 */
const AIM_CUE = new RegExp(
  '^(?:' +
    [
      'this (?:systematic |narrative |scoping )?(?:review|study|paper|article|work|report|analysis|trial|meta-analysis)\\b',
      'the (?:main |primary )?(?:aims?|purposes?|objectives?|goals?) of (?:this|the present|the current|our)\\b',
      'our (?:main |primary )?(?:aims?|purposes?|objectives?|goals?)\\b',
      '(?:(?:here|in this (?:review|study|paper|article|work|report)|in the (?:present|current) (?:review|study)),? )?we (?:also |further |additionally )?' +
        '(?:aimed|sought|set out|investigated|examined|evaluated|assessed|explored|studied|report|describe|present|review|summari[sz]e|discuss|propose|characteri[sz]ed)\\b',
    ].join('|') +
    ')',
  'i',
);

/** Wording that reports an outcome: associations, significance, change, percentages, P values. */
const RESULT_CUE = new RegExp(
  [
    '\\b(?:was|were|is|are)(?: \\S+)? (?:associated|correlated|linked)\\b',
    '\\bsignifican(?:t|tly|ce)\\b',
    '\\b(?:increas|decreas|reduc|improv)(?:ed|es|tion)\\b',
    '\\b(?:showed|shown|revealed|demonstrated|found|identified|outperformed)\\b',
    '\\b(?:higher|lower)\\b',
    '%',
    '\\bP ?[<=>≤≥]',
    '\\b(?:odds|hazard|risk) ratio\\b',
  ].join('|'),
  'i',
);

/** A results sentence that only counts the sample ("A total of 300 patients were included"). */
const SAMPLE_CUE = /^A total of\b|\b(?:was|were) (?:included|enrolled|recruited|randomi[sz]ed|analy[sz]ed)\b/i;

export function isConclusionCue(sentence: string): boolean {
  return CONCLUSION_CUE.test(stripLeadingMarkup(sentence));
}

export function isAimCue(sentence: string): boolean {
  return AIM_CUE.test(stripLeadingMarkup(sentence));
}

export function isResultCue(sentence: string): boolean {
  return RESULT_CUE.test(sentence);
}

export function isSampleDescription(sentence: string): boolean {
  return SAMPLE_CUE.test(sentence);
}

function stripLeadingMarkup(sentence: string): string {
  return sentence.replace(/^["'“‘(\[*]+/, '');
}
