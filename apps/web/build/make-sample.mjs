// The built-in sample text ("The Book of Numbers"), made at build time so the repository keeps
// a generator instead of 130 KB of text. Everything here was written for rnnkit and is
// dedicated to the public domain (CC0). It is made for a character model to learn something
// visible in a few minutes: the spelling of English number words, their grammar ("and",
// hyphens), and short rhymes that repeat with variation.

const ONES = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** British-style number words: 342 -> "three hundred and forty-two" (0 <= n < 1e6). */
export function numberWords(n) {
  if (n < 20) return ONES[n];
  if (n < 100) return TENS[Math.floor(n / 10)] + (n % 10 ? `-${ONES[n % 10]}` : '');
  if (n < 1000) {
    const rest = n % 100;
    return `${ONES[Math.floor(n / 100)]} hundred${rest ? ` and ${numberWords(rest)}` : ''}`;
  }
  const rest = n % 1000;
  const head = `${numberWords(Math.floor(n / 1000))} thousand`;
  if (!rest) return head;
  return `${head}${rest < 100 ? ' and ' : ' '}${numberWords(rest)}`;
}

const capital = (s) => s[0].toUpperCase() + s.slice(1);

const VERSES = [
  [
    'The lamp is low, the kettle sings,',
    'the cat is counting other things;',
    'she counts the mice, she counts the moon,',
    'and falls asleep by half past noon.',
  ],
  [
    'If you want you can, they say,',
    'and if you can you will one day;',
    'so count with me from one to ten',
    'and when we end, begin again.',
  ],
  [
    'Hi, hello, the small bird cried,',
    'hi, hello, the wind replied;',
    'the river hummed a longer tune',
    'from early March to late in June.',
  ],
  [
    'A stone, a step, a garden wall,',
    'a ladder leaning, tall and small;',
    'we climb by ones, we climb by twos,',
    'we count the roads we did not choose.',
  ],
  [
    'Seven ships upon the sea,',
    'one for you and two for me;',
    'four went east and never told',
    'what they carried in the hold.',
  ],
  [
    'The baker counts his loaves at dawn,',
    'the shepherd counts them on the lawn;',
    'the sheep, I mean, and not the bread,',
    'he counts them all and goes to bed.',
  ],
];

function primeFactors(n) {
  const out = [];
  let m = n;
  for (let p = 2; p * p <= m; p++) {
    while (m % p === 0) {
      out.push(p);
      m /= p;
    }
  }
  if (m > 1) out.push(m);
  return out;
}

function numberLine(n) {
  const w = numberWords(n);
  const parts = [
    `${capital(w)} comes after ${numberWords(n - 1)} and before ${numberWords(n + 1)}.`,
  ];
  if (n % 2 === 0) parts.push(`It is even, twice ${numberWords(n / 2)}.`);
  else parts.push('It is odd.');
  const f = primeFactors(n);
  if (f.length === 1) parts.push('It is a prime.');
  else if (n % 10 === 0) parts.push(`Ten times ${numberWords(n / 10)} is ${w}.`);
  return parts.join(' ');
}

/** The whole sample: deterministic, ASCII only, about 140 KB. */
export function makeSample() {
  const lines = ['THE BOOK OF NUMBERS', '', 'A counting book for small recurrent networks.', ''];
  let verse = 0;
  for (let n = 1; n <= 1000; n++) {
    lines.push(numberLine(n));
    if (n % 50 === 0) {
      lines.push('', ...VERSES[verse % VERSES.length], '');
      verse += 1;
    }
  }
  lines.push('', 'THE END', '');
  return lines.join('\n');
}
