/**
 * A small, safe Markdown renderer for model answers. The text is HTML-escaped FIRST, so nothing in it can become
 * markup; only the constructs below are turned into tags: fenced code blocks, inline code, headings, bold, italics,
 * ordered and unordered lists, block quotes, rules and links (http, https and mailto only, `rel="noopener noreferrer"`).
 * An unclosed fence (an answer still streaming) renders as code to the end.
 */
export function renderMarkdown(source: string): string {
  const lines = source
    .replace(/\uE000/g, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  const out: string[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | undefined;
  let quote: string[] = [];

  const flushParagraph = () => {
    if (paragraph.length) out.push(`<p>${paragraph.map(renderInline).join('<br>')}</p>`);
    paragraph = [];
  };
  const flushList = () => {
    if (!list) return;
    const tag = list.ordered ? 'ol' : 'ul';
    out.push(`<${tag}>${list.items.map((item) => `<li>${renderInline(item)}</li>`).join('')}</${tag}>`);
    list = undefined;
  };
  const flushQuote = () => {
    if (quote.length) out.push(`<blockquote>${renderMarkdown(quote.join('\n'))}</blockquote>`);
    quote = [];
  };
  const flushAll = () => {
    flushParagraph();
    flushList();
    flushQuote();
  };

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    const fence = /^\s*(`{3,}|~{3,})\s*([\w+#.-]*)/.exec(line);
    if (fence) {
      flushAll();
      const marker = fence[1] as string;
      const language = fence[2] ?? '';
      const code: string[] = [];
      index++;
      while (index < lines.length && !(lines[index] as string).trimStart().startsWith(marker)) {
        code.push(lines[index] as string);
        index++;
      }
      const className = language ? ` class="language-${escapeHtml(language)}"` : '';
      out.push(`<pre><code${className}>${escapeHtml(code.join('\n'))}</code></pre>`);
      continue;
    }
    if (/^\s*>/.test(line)) {
      flushParagraph();
      flushList();
      quote.push(line.replace(/^\s*> ?/, ''));
      continue;
    }
    flushQuote();
    if (line.trim() === '') {
      flushParagraph();
      flushList();
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      flushAll();
      const level = (heading[1] as string).length;
      out.push(`<h${level}>${renderInline(heading[2] as string)}</h${level}>`);
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flushAll();
      out.push('<hr>');
      continue;
    }
    const item = /^\s*(?:([-*+])|(\d{1,9})[.)])\s+(.*)$/.exec(line);
    if (item) {
      flushParagraph();
      const ordered = item[2] !== undefined;
      if (list && list.ordered !== ordered) flushList();
      list ??= { ordered, items: [] };
      list.items.push(item[3] as string);
      continue;
    }
    if (list && /^\s+\S/.test(line)) {
      list.items[list.items.length - 1] += ` ${line.trim()}`;
      continue;
    }
    flushList();
    paragraph.push(line);
  }
  flushAll();
  return out.join('\n');
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Inline constructs on one escaped line; code spans are set aside first so nothing inside them is formatted. */
function renderInline(raw: string): string {
  const spans: string[] = [];
  const hold = (html: string) => `\uE000${spans.push(html) - 1}\uE000`;
  let text = escapeHtml(raw);
  text = text.replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (_match, _ticks, code: string) =>
    hold(`<code>${code.trim() === '' ? code : code.replace(/^ (.*) $/, '$1')}</code>`),
  );
  text = text.replace(/\[([^\]\n]+)\]\(\s*([^)\s]+)\s*\)/g, (match, label: string, url: string) => {
    if (!/^(https?:\/\/|mailto:)/i.test(url)) return match;
    return hold(`<a href="${url}" target="_blank" rel="noopener noreferrer">${formatEmphasis(label)}</a>`);
  });
  text = text.replace(/(^|[\s(])(https?:\/\/[^\s<]+[^\s<.,:;!?)'&])/g, (_match, before: string, url: string) => {
    return `${before}${hold(`<a href="${url}" target="_blank" rel="noopener noreferrer">${url}</a>`)}`;
  });
  text = formatEmphasis(text);
  return text.replace(/\uE000(\d+)\uE000/g, (_match, index: string) => spans[Number(index)] ?? '');
}

function formatEmphasis(text: string): string {
  return text
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g, '$1<strong>$2</strong>')
    .replace(/\*(?=[^\s*])([^*]*?[^\s*]|[^\s*])\*/g, '<em>$1</em>')
    .replace(/(^|[^\w])_(?=[^\s_])([^_]*?[^\s_]|[^\s_])_(?!\w)/g, '$1<em>$2</em>')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '<del>$1</del>');
}
