using System.Text;

namespace GpuInference.Reporting;

/// <summary>
/// The pieces of a self-contained HTML report: a page shell with its own style sheet and a policy that forbids
/// fetching anything, sections, tables that scroll sideways on a narrow screen, lists and inline SVG figures.
/// Every piece of text passes through <see cref="Escape"/>; only the SVG of a figure, which this assembly draws,
/// goes in as markup. A report of any shape (the paper's analysis, a test of arbitrary terms) is built from these.
/// </summary>
internal sealed class HtmlBuilder
{
    // No script, no font, no image is ever loaded: the page is one file that reads the same offline. The policy makes
    // the browser refuse (and log) anything that would be fetched, so a mistake shows in the headless-browser test.
    private const string Policy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

    // Readable on a phone: the text column shrinks to the screen, figures scale down, and a wide table scrolls inside
    // its own box instead of widening the page.
    private const string Style = """
        :root { color-scheme: light; --ink: #262626; --muted: #5f5f5f; --rule: #e3e3e3; --head: #f6f6f6; --accent: #d62728; }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
        body { margin: 0; background: #fff; color: var(--ink); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", Arial, sans-serif; }
        main { max-width: 980px; margin: 0 auto; padding: 16px 20px 48px; }
        h1 { font-size: 1.55rem; line-height: 1.25; margin: 0.6rem 0 0.4rem; }
        h2 { font-size: 1.2rem; margin: 2.2rem 0 0.6rem; padding-bottom: 0.3rem; border-bottom: 2px solid var(--rule); }
        h3 { font-size: 1rem; margin: 1.4rem 0 0.4rem; }
        p, li { max-width: 46rem; }
        .lede { color: var(--muted); }
        nav { font-size: 0.9rem; margin: 0.8rem 0; }
        nav a { display: inline-block; margin: 0 0.9rem 0.3rem 0; }
        a { color: #1f5fa8; }
        .table { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 0.8rem 0; border: 1px solid var(--rule); border-radius: 4px; }
        table { border-collapse: collapse; width: 100%; font-size: 0.9rem; font-variant-numeric: tabular-nums; }
        caption { caption-side: top; text-align: left; padding: 0.45rem 0.6rem; font-weight: 600; background: var(--head); }
        th, td { padding: 0.4rem 0.6rem; border-top: 1px solid var(--rule); text-align: left; vertical-align: top; }
        thead th { background: var(--head); font-weight: 600; vertical-align: bottom; }
        tbody th { font-weight: 500; min-width: 10rem; }
        table.data td:not(.num) { min-width: 14rem; }
        details { margin: 0.6rem 0; }
        summary { cursor: pointer; color: var(--muted); }
        .num { text-align: right; white-space: nowrap; }
        td.path { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 0.85rem; overflow-wrap: anywhere; }
        figure { margin: 1.2rem 0; }
        figure svg { display: block; width: 100%; max-width: 640px; height: auto; border: 1px solid var(--rule); border-radius: 4px; }
        figcaption { font-size: 0.85rem; color: var(--muted); margin-top: 0.35rem; max-width: 640px; }
        ul.notes li { margin-bottom: 0.3rem; }
        footer { margin-top: 2.5rem; font-size: 0.85rem; color: var(--muted); }
        @media (max-width: 600px) {
          body { font-size: 15px; }
          main { padding: 10px 12px 32px; }
          h1 { font-size: 1.3rem; }
          th, td { padding: 0.35rem 0.45rem; }
        }
        @media print { .table { overflow: visible; border: none; } nav { display: none; } }
        """;

    private readonly StringBuilder _html = new(32 * 1024);
    private int _figures;

    /// <summary>The page so far.</summary>
    public override string ToString() => _html.ToString();

    /// <summary>Opens the document: the head with the title, policy and style sheet, then the body and its main column.</summary>
    public HtmlBuilder Begin(string title)
    {
        _html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
             .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
             .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"").Append(Policy).Append("\">\n")
             .Append("<title>").Append(Escape(title)).Append("</title>\n")
             .Append("<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n<main>\n")
             .Append("<h1>").Append(Escape(title)).Append("</h1>\n");
        return this;
    }

    /// <summary>Closes the main column, the body and the document, with a footer line.</summary>
    public HtmlBuilder End(string footer)
    {
        _html.Append("<footer>").Append(Escape(footer)).Append("</footer>\n</main>\n</body>\n</html>\n");
        return this;
    }

    /// <summary>Links to the sections, by id and heading.</summary>
    public HtmlBuilder Navigation(IEnumerable<(string Id, string Heading)> sections)
    {
        _html.Append("<nav aria-label=\"Sections\">");
        foreach (var (id, heading) in sections) _html.Append("<a href=\"#").Append(Escape(id)).Append("\">").Append(Escape(heading)).Append("</a>");
        _html.Append("</nav>\n");
        return this;
    }

    /// <summary>A section heading with an anchor.</summary>
    public HtmlBuilder Section(string id, string heading)
    {
        _html.Append("<h2 id=\"").Append(Escape(id)).Append("\">").Append(Escape(heading)).Append("</h2>\n");
        return this;
    }

    /// <summary>A sub-heading.</summary>
    public HtmlBuilder Subheading(string heading)
    {
        _html.Append("<h3>").Append(Escape(heading)).Append("</h3>\n");
        return this;
    }

    /// <summary>A paragraph of plain text, optionally with a class.</summary>
    public HtmlBuilder Paragraph(string text, string? cssClass = null)
    {
        _html.Append(cssClass is null ? "<p>" : $"<p class=\"{Escape(cssClass)}\">").Append(Escape(text)).Append("</p>\n");
        return this;
    }

    /// <summary>A paragraph of plain-text parts, each a link where it has an address (a file of the report folder).</summary>
    public HtmlBuilder ParagraphWithLinks(params (string Text, string? Href)[] parts)
    {
        _html.Append("<p>");
        foreach (var (text, href) in parts)
        {
            if (href is null) _html.Append(Escape(text));
            else _html.Append("<a href=\"").Append(Escape(href)).Append("\">").Append(Escape(text)).Append("</a>");
        }
        _html.Append("</p>\n");
        return this;
    }

    /// <summary>A bulleted list of plain-text items; nothing when there are none.</summary>
    public HtmlBuilder List(IEnumerable<string> items, string? cssClass = null)
    {
        bool open = false;
        foreach (string item in items)
        {
            if (!open) _html.Append(cssClass is null ? "<ul>\n" : $"<ul class=\"{Escape(cssClass)}\">\n");
            open = true;
            _html.Append("<li>").Append(Escape(item)).Append("</li>\n");
        }
        if (open) _html.Append("</ul>\n");
        return this;
    }

    /// <summary>A folded list (open on a click, no script): explanations that would crowd a small screen.</summary>
    public HtmlBuilder FoldedList(string summary, IEnumerable<string> items)
    {
        List<string> list = items.ToList();
        if (list.Count == 0) return this;
        _html.Append("<details>\n<summary>").Append(Escape(summary)).Append("</summary>\n");
        List(list);
        _html.Append("</details>\n");
        return this;
    }

    /// <summary>
    /// A table in a box that scrolls sideways when it is wider than the screen. <paramref name="columns"/> gives each
    /// header and whether the column holds numbers (right-aligned, never wrapped); every cell is plain text.
    /// </summary>
    public HtmlBuilder Table(string caption, IReadOnlyList<(string Header, bool Numeric)> columns, IEnumerable<IReadOnlyList<string>> rows, string? id = null)
    {
        _html.Append("<div class=\"table\"><table class=\"data\"").Append(id is null ? "" : $" id=\"{Escape(id)}\"").Append(">\n")
             .Append("<caption>").Append(Escape(caption)).Append("</caption>\n<thead><tr>");
        foreach (var (header, numeric) in columns)
            _html.Append(numeric ? "<th scope=\"col\" class=\"num\">" : "<th scope=\"col\">").Append(Escape(header)).Append("</th>");
        _html.Append("</tr></thead>\n<tbody>\n");
        foreach (IReadOnlyList<string> row in rows)
        {
            if (row.Count != columns.Count) throw new ArgumentException($"a row of {row.Count} cells in a table of {columns.Count} columns", nameof(rows));
            _html.Append("<tr>");
            for (int i = 0; i < row.Count; i++)
            {
                string tag = i == 0 ? "th scope=\"row\"" : "td";
                string close = i == 0 ? "th" : "td";
                _html.Append('<').Append(tag).Append(columns[i].Numeric ? " class=\"num\"" : "").Append('>')
                     .Append(Escape(row[i])).Append("</").Append(close).Append('>');
            }
            _html.Append("</tr>\n");
        }
        _html.Append("</tbody>\n</table></div>\n");
        return this;
    }

    /// <summary>
    /// A two-column table of labels and values (the run's metadata); a value whose label starts with "Input" is set
    /// as a path, in a monospace face that may break anywhere.
    /// </summary>
    public HtmlBuilder KeyValueTable(string caption, IEnumerable<(string Label, string Value)> rows, string? id = null)
    {
        _html.Append("<div class=\"table\"><table").Append(id is null ? "" : $" id=\"{Escape(id)}\"").Append(">\n")
             .Append("<caption>").Append(Escape(caption)).Append("</caption>\n<tbody>\n");
        foreach (var (label, value) in rows)
        {
            bool path = label.StartsWith("Input", StringComparison.Ordinal);
            _html.Append("<tr><th scope=\"row\">").Append(Escape(label)).Append("</th><td").Append(path ? " class=\"path\"" : "").Append('>')
                 .Append(Escape(value)).Append("</td></tr>\n");
        }
        _html.Append("</tbody>\n</table></div>\n");
        return this;
    }

    /// <summary>
    /// An SVG drawing inline, with a caption. The drawing's own ids get a per-figure prefix (two histograms must not
    /// share an id in one document), and its namespace attribute, which HTML does not need, is dropped so that the
    /// page holds no URL at all.
    /// </summary>
    public HtmlBuilder Figure(string id, string svg, string caption)
    {
        _figures++;
        string prefix = $"fig{_figures}-";
        string inline = svg.Trim()
            .Replace(" xmlns=\"http://www.w3.org/2000/svg\"", "", StringComparison.Ordinal)
            .Replace(" id=\"", " id=\"" + prefix, StringComparison.Ordinal);
        _html.Append("<figure id=\"").Append(Escape(id)).Append("\">\n").Append(inline).Append('\n')
             .Append("<figcaption>").Append(Escape(caption)).Append("</figcaption>\n</figure>\n");
        return this;
    }

    /// <summary>Text made safe for HTML content and for quoted attribute values.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var escaped = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            switch (c)
            {
                case '&': escaped.Append("&amp;"); break;
                case '<': escaped.Append("&lt;"); break;
                case '>': escaped.Append("&gt;"); break;
                case '"': escaped.Append("&quot;"); break;
                case '\'': escaped.Append("&#39;"); break;
                default: escaped.Append(c); break;
            }
        }
        return escaped.ToString();
    }
}
