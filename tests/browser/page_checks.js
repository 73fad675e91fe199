// Checks one loaded page of the book as a reader's browser shows it.
// It runs as a WebDriver asynchronous script, so its last argument is the
// callback that receives the report. The report has these fields:
//   problems  list of sentences, empty when the page passes
//   formulas  number of KaTeX formulas in the page's main content
//   figures   number of distinct figures (images and SVG drawings)
//   title     text of the first heading
//   previous, next  absolute URLs of the chapter navigation links, or null
//   sidebar   absolute URLs of the table-of-contents links to pages, in order
const done = arguments[arguments.length - 1];

function excerpt(text) {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? flat.slice(0, 77) + '...' : flat;
}

function formulaSource(element) {
  const annotation = element.querySelector('annotation[encoding="application/x-tex"]');
  return annotation ? excerpt(annotation.textContent) : excerpt(element.textContent);
}

function isDrawn(element) {
  const box = element.getBoundingClientRect();
  return box.width > 0 && box.height > 0;
}

// Resolves once every image has either loaded or failed.
function imagesSettled() {
  const pending = [...document.images]
    .filter(image => !image.complete)
    .map(image => new Promise(resolve => {
      image.addEventListener('load', resolve, { once: true });
      image.addEventListener('error', resolve, { once: true });
    }));
  return Promise.all(pending);
}

function checkFormulas(main, problems) {
  const formulas = [...main.querySelectorAll('.katex')];
  const flat = formulas.filter(formula => !isDrawn(formula));
  if (flat.length > 0) {
    problems.push(`${flat.length} of ${formulas.length} formulas have zero size, first: ${formulaSource(flat[0])}`);
  }
  // A display formula wider than the text column is cut off or needs
  // sideways scrolling; it should be split into lines.
  for (const display of main.querySelectorAll('.katex-display')) {
    if (display.scrollWidth > display.clientWidth + 1) {
      problems.push(`display formula ${display.scrollWidth} px wide in a ${display.clientWidth} px column: ` +
        formulaSource(display));
    }
  }
  for (const error of main.querySelectorAll('.katex-error')) {
    problems.push(`KaTeX error element: ${excerpt(error.getAttribute('title') || error.textContent)}`);
  }
  if (formulas.length > 0) {
    const declared = [...document.fonts].filter(face => face.family.replace(/["']/g, '') === 'KaTeX_Main');
    const loaded = declared.some(face => face.status === 'loaded');
    // fonts.check() is also true when no KaTeX_Main face is declared at all,
    // so the loaded face is checked separately.
    if (!document.fonts.check('16px KaTeX_Main') || !loaded) {
      problems.push(`the KaTeX_Main font is not loaded (${declared.length} faces declared, statuses: ` +
        `${declared.map(face => face.status).join(', ') || 'none'})`);
    }
  }
  return formulas.length;
}

// Reports `$` characters in the visible text outside code and formulas
// that are not prices: they are TeX delimiters the build left unrendered.
function checkDelimiters(main, problems) {
  const skipped = 'code, pre, script, style, .katex, .katex-display';
  const blocks = new Map();
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skipped) || !parent.checkVisibility()) {
      continue;
    }
    const block = parent.closest('p, li, td, th, h1, h2, h3, h4, h5, h6, blockquote, figcaption, dd, dt') || parent;
    blocks.set(block, (blocks.get(block) || '') + node.textContent);
  }
  // A `$` before an amount that ends at a space or punctuation is a price,
  // written `\$2` in the Markdown. Any other `$` opens or closes TeX.
  const price = /\$\d+(?:[.,]\d+)*(?=$|[\s.,;:!?)])/g;
  for (const text of blocks.values()) {
    if (text.replace(price, '').includes('$')) {
      problems.push(`visible TeX delimiter \`$\` outside code: "${excerpt(text)}"`);
    }
  }
}

function captionOf(element) {
  const figure = element.closest('figure');
  const caption = figure && figure.querySelector('figcaption');
  return caption ? caption.textContent.trim() : '';
}

function checkFigures(main, problems) {
  const seen = new Set();
  // mdBook writes each Markdown image twice, the second copy for its
  // click-to-zoom view, so images are counted once per address.
  for (const image of main.querySelectorAll('img')) {
    if (seen.has(image.src)) {
      continue;
    }
    seen.add(image.src);
    const name = image.getAttribute('src');
    if (!image.complete || image.naturalWidth === 0 || image.naturalHeight === 0) {
      problems.push(`figure ${name} did not load (natural size ${image.naturalWidth}×${image.naturalHeight})`);
    }
    if (!(image.getAttribute('alt') || '').trim() && !captionOf(image)) {
      problems.push(`figure ${name} has neither alt text nor a caption`);
    }
  }
  let drawings = 0;
  for (const svg of main.querySelectorAll('svg')) {
    // KaTeX draws some symbols with SVG, and mdBook's buttons use SVG icons.
    if (svg.closest('.katex, .katex-display, pre, button') || svg.parentElement.closest('svg')) {
      continue;
    }
    drawings += 1;
    if (!isDrawn(svg)) {
      problems.push(`SVG figure number ${drawings} has zero size`);
    }
    const title = svg.querySelector('title');
    const label = svg.getAttribute('aria-label') || (title && title.textContent) || captionOf(svg);
    if (!(label || '').trim()) {
      problems.push(`SVG figure number ${drawings} has neither a title, an aria-label nor a caption`);
    }
  }
  return seen.size + drawings;
}

// Lists every request of the page that went to another origin or failed.
function checkRequests(problems) {
  const entries = [
    ...performance.getEntriesByType('navigation'),
    ...performance.getEntriesByType('resource'),
  ];
  for (const entry of entries) {
    const url = new URL(entry.name, location.href);
    if (url.protocol === 'data:' || url.protocol === 'blob:') {
      continue;
    }
    if (url.origin !== location.origin) {
      problems.push(`request to another host: ${entry.name}`);
    } else if (entry.responseStatus >= 400) {
      problems.push(`request for ${url.pathname} returned HTTP ${entry.responseStatus}`);
    }
  }
}

function linkUrl(selector) {
  const link = document.querySelector(selector);
  return link ? link.href : null;
}

(async () => {
  await document.fonts.ready;
  await imagesSettled();
  const problems = [];
  const main = document.querySelector('main');
  if (!main) {
    done({ problems: ['the page has no <main> element'], formulas: 0, figures: 0, title: '', previous: null, next: null, sidebar: [] });
    return;
  }
  const formulas = checkFormulas(main, problems);
  checkDelimiters(main, problems);
  const figures = checkFigures(main, problems);
  checkRequests(problems);
  const heading = main.querySelector('h1');
  done({
    problems,
    formulas,
    figures,
    title: heading ? heading.textContent.trim() : '',
    previous: linkUrl('a.nav-chapters.previous'),
    next: linkUrl('a.nav-chapters.next'),
    // The table of contents also lists the headings of the open page.
    sidebar: [...document.querySelectorAll('#mdbook-sidebar .chapter a[href]')]
      .filter(link => !link.hash)
      .map(link => link.href),
  });
})().catch(error => done({ problems: [`the check script failed: ${error}`], formulas: 0, figures: 0, title: '', previous: null, next: null, sidebar: [] }));
