import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.ts';

describe('renderMarkdown', () => {
  it('escapes HTML before anything else', () => {
    expect(renderMarkdown('<img src=x onerror=alert(1)> & "q"')).toBe(
      '<p>&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;</p>',
    );
    expect(renderMarkdown('<script>alert(1)</script>')).not.toContain('<script');
  });

  it('renders fenced code blocks with their language, escaped and unformatted', () => {
    const html = renderMarkdown('Look:\n```ts\nconst a = 1 < 2 && **b**;\n```\nafter');
    expect(html).toBe(
      '<p>Look:</p>\n<pre><code class="language-ts">const a = 1 &lt; 2 &amp;&amp; **b**;</code></pre>\n<p>after</p>',
    );
  });

  it('renders an unclosed fence (still streaming) as code to the end', () => {
    expect(renderMarkdown('```\nlet x')).toBe('<pre><code>let x</code></pre>');
  });

  it('renders inline code, bold, italics and strikethrough', () => {
    expect(renderMarkdown('a `x*y*` **bold** *it* _it2_ ~~no~~ snake_case_name')).toBe(
      '<p>a <code>x*y*</code> <strong>bold</strong> <em>it</em> <em>it2</em> <del>no</del> snake_case_name</p>',
    );
  });

  it('renders ordered and unordered lists and headings', () => {
    expect(renderMarkdown('# Title\n- one\n- **two**\n\n1. first\n2. second')).toBe(
      '<h1>Title</h1>\n<ul><li>one</li><li><strong>two</strong></li></ul>\n<ol><li>first</li><li>second</li></ol>',
    );
  });

  it('links only http(s) and mailto URLs, with rel=noopener', () => {
    expect(renderMarkdown('[docs](https://example.com/a?b=1&c=2)')).toBe(
      '<p><a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">docs</a></p>',
    );
    expect(renderMarkdown('[x](javascript:alert(1))')).not.toContain('<a');
    expect(renderMarkdown('[x](" onmouseover="alert(1))')).not.toContain('<a');
    expect(renderMarkdown('see https://example.com.')).toBe(
      '<p>see <a href="https://example.com" target="_blank" rel="noopener noreferrer">https://example.com</a>.</p>',
    );
  });

  it('renders block quotes and keeps line breaks inside a paragraph', () => {
    expect(renderMarkdown('> quoted\n\nline one\nline two')).toBe(
      '<blockquote><p>quoted</p></blockquote>\n<p>line one<br>line two</p>',
    );
  });
});
