using GpuInference.Engine;
using System.CommandLine;
using System.Globalization;
using GpuInference.Analysis.Testing;
using GpuInference.Cli.Terminal;
using GpuInference.Inference.Models;
using GpuInference.Reporting;
using GpuInference.Reporting.Testing;
using Spectre.Console;

namespace GpuInference.Cli.Commands;

/// <summary>
/// <c>test</c>: the general randomization test of a network experiment. Parse, check everything that can be checked
/// before reading data, one library call (<see cref="NetworkTest.Run"/>), publish the report set, print a summary.
/// </summary>
internal static class TestCommand
{
    public static Command Create(TextWriter output)
    {
        var nodes = new Option<string>("--nodes") { Description = "Nodes CSV (plain or .gz): an id column and the model's columns.", Required = true };
        var edges = new Option<string>("--edges") { Description = "Edges CSV (plain or .gz): src,dst (dst is a friend of src)[, weight].", Required = true };
        var model = new Option<string>("--model") { Description = "The model, fixest style: \"y ~ share(t) + t + x | village\".", Required = true };
        var permute = new Option<string[]>("--permute") { Description = "Columns whose values move together under re-randomization (comma-separated).", Required = true, AllowMultipleArgumentsPerToken = true };
        var within = new Option<string?>("--within") { Description = "Blocks: each block keeps its own values (randomized within villages, schools...)." };
        var clusters = new Option<string?>("--clusters") { Description = "Clusters: whole clusters move together (sessions, classrooms...)." };
        var design = new Option<string>("--design") { Description = "permute (default), bernoulli, or file:PATH (one column of assignments per permutation).", DefaultValueFactory = _ => "permute" };
        var statistic = new Option<string>("--statistic") { Description = "coef (default) or t (the coefficient over its robust SE, and the joint Wald statistic, recomputed in every permutation).", DefaultValueFactory = _ => "coef" };
        var se = new Option<string>("--se") { Description = "Standard errors: Classical, HC0-HC3, or CR0/CR1/CR2:COLUMN (clustered; CR2 becomes CR1 inside permutations).", DefaultValueFactory = _ => "HC2" };
        var where = new Option<string[]>("--where") { Description = "Restrict the analysis units: COLUMN=VALUE (repeatable).", AllowMultipleArgumentsPerToken = false };
        var tested = new Option<string[]>("--test") { Description = "Terms to test, as written in the model (repeatable; default: every term that moves)." };
        var permutations = new Option<int>("--permutations", "-B") { Description = "Permutations in the null.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the permutation stream.", DefaultValueFactory = _ => 1UL };
        var threads = new Option<int>("--threads") { Description = "Host threads (0: all cores).", DefaultValueFactory = _ => 0 };
        var backend = new Option<string>("--backend") { Description = "auto (a GPU when one starts, else the CPU), cpu, cuda, opencl or ilgpu-cpu.", DefaultValueFactory = _ => "auto" };
        var device = new Option<int?>("--device") { Description = "Which GPU of the backend, counted from 0 as `devices` lists them (default: the first that starts)." };
        var unknownEdges = new Option<string>("--unknown-edges") { Description = "error (default) or drop: edges naming ids not in the nodes file.", DefaultValueFactory = _ => "error" };
        var idColumn = new Option<string>("--id-column") { Description = "Node id column.", DefaultValueFactory = _ => "id" };
        var srcColumn = new Option<string>("--src-column") { Description = "Edge source column.", DefaultValueFactory = _ => "src" };
        var dstColumn = new Option<string>("--dst-column") { Description = "Edge target (friend) column.", DefaultValueFactory = _ => "dst" };
        var noWald = new Option<bool>("--no-wald") { Description = "Test the terms one by one, without their joint Wald statistic (weighted by the observed covariance, or studentized with --statistic t)." };
        var engine = new Option<string>("--engine") { Description = "auto (the paper preset's kernels for the paper's model, the general ones otherwise) or general.", DefaultValueFactory = _ => "auto" };
        var outDir = new Option<string>("--out") { Description = "Folder for the report files.", Required = true };
        var command = new Command("test", "Randomization test of any network experiment: a model formula, exposure terms, the design it was randomized with.")
        {
            nodes, edges, model, permute, within, clusters, design, statistic, se, where, tested, permutations, seed, threads, backend, device, unknownEdges, idColumn, srcColumn, dstColumn, noWald, engine, outDir,
        };
        command.SetAction(parsed =>
        {
            NetworkTestOptions options = Options(parsed, nodes, edges, model, permute, within, clusters, design, statistic, se, where, tested, permutations, seed, threads, unknownEdges, idColumn, srcColumn, dstColumn)
                with { Backend = parsed.GetValue(backend)!, Device = parsed.GetValue(device), Joint = !parsed.GetValue(noWald), Engine = Engine(parsed.GetValue(engine)!) };
            try
            {
                NetworkTest.Check(options);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            foreach (string path in new[] { options.NodesPath, options.EdgesPath, options.DesignFile }.OfType<string>())
            {
                if (Directory.Exists(path)) throw new Data.DataFormatException(path, "is a folder, not a file");
                if (!File.Exists(path)) throw new Data.DataFormatException(path, "no such file");
            }
            string folder = parsed.GetValue(outDir)!;
            using ReportPublication publication = ReportOutput.Begin(folder);
            publication.Retract();
            IAnsiConsole console = ConsoleProgress.ConsoleFor(output);
            NetworkTestReport report = ConsoleProgress.Run(console, progress => Experiments.Test(options, progress));
            Experiments.Publish(publication, report);
            Print(console, report, folder);
            return ExitCodes.Success;
        });
        return command;
    }

    private static NetworkTestOptions Options(
        ParseResult parsed, Option<string> nodes, Option<string> edges, Option<string> model, Option<string[]> permute, Option<string?> within,
        Option<string?> clusters, Option<string> design, Option<string> statistic, Option<string> se, Option<string[]> where, Option<string[]> tested,
        Option<int> permutations, Option<ulong> seed, Option<int> threads, Option<string> unknownEdges, Option<string> idColumn, Option<string> srcColumn,
        Option<string> dstColumn)
    {
        string designText = parsed.GetValue(design)!;
        (DesignKind kind, string? file) = designText switch
        {
            "permute" => (DesignKind.Permute, (string?)null),
            "bernoulli" => (DesignKind.Bernoulli, null),
            _ when designText.StartsWith("file:", StringComparison.Ordinal) => (DesignKind.File, designText[5..]),
            _ => throw new UsageException($"--design: '{designText}' is not permute, bernoulli or file:PATH."),
        };
        TestStatistic stat = parsed.GetValue(statistic) switch
        {
            "coef" => TestStatistic.Coefficient,
            "t" => TestStatistic.Studentized,
            var other => throw new UsageException($"--statistic: '{other}' is not coef or t."),
        };
        string seText = parsed.GetValue(se)!;
        string[] seParts = seText.Split(':', 2);
        string edgesMode = parsed.GetValue(unknownEdges)!;
        if (edgesMode is not ("error" or "drop")) throw new UsageException($"--unknown-edges: '{edgesMode}' is not error or drop.");
        return new NetworkTestOptions
        {
            NodesPath = parsed.GetValue(nodes)!,
            EdgesPath = parsed.GetValue(edges)!,
            Formula = parsed.GetValue(model)!,
            Permute = [.. parsed.GetValue(permute)!.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
            Within = parsed.GetValue(within),
            Clusters = parsed.GetValue(clusters),
            Design = kind,
            DesignFile = file,
            Statistic = stat,
            Se = seParts[0],
            SeClusters = seParts.Length > 1 ? seParts[1] : null,
            Where = [.. (parsed.GetValue(where) ?? []).Select(Where)],
            Tested = parsed.GetValue(tested) ?? [],
            Permutations = parsed.GetValue(permutations),
            Seed = parsed.GetValue(seed),
            Threads = parsed.GetValue(threads),
            DropUnknownEdges = edgesMode == "drop",
            IdColumn = parsed.GetValue(idColumn)!,
            SourceColumn = parsed.GetValue(srcColumn)!,
            TargetColumn = parsed.GetValue(dstColumn)!,
        };
    }

    private static TestEngine Engine(string text) => text switch
    {
        "auto" => TestEngine.Auto,
        "general" => TestEngine.General,
        _ => throw new UsageException($"--engine: '{text}' is not auto or general."),
    };

    private static KeyValuePair<string, string> Where(string text)
    {
        int at = text.IndexOf('=', StringComparison.Ordinal);
        if (at <= 0) throw new UsageException($"--where '{text}': write COLUMN=VALUE.");
        return new(text[..at].Trim(), text[(at + 1)..].Trim());
    }

    private static void Print(IAnsiConsole console, NetworkTestReport report, string folder)
    {
        static string G(double v, int digits) => double.IsFinite(v) ? v.ToString("G" + digits, CultureInfo.InvariantCulture) : "n/a";
        // Terms are kept whole (a narrow terminal wraps the headers instead): share(intensive) split over two lines reads as two terms.
        var table = new Table().AddColumn(new TableColumn("term").NoWrap()).AddColumns("estimate", $"se ({report.Covariance})", "p (model)", $"randomization p\n({report.Statistic})");
        foreach (CoefficientReport c in report.Coefficients)
        {
            table.AddRow(Markup.Escape(c.Term), G(c.Estimate.Value, 6), G(c.Estimate.StandardError, 4), G(c.Estimate.P, 3),
                c.Randomization is null ? "" : G(c.Randomization.TwoSided.Value, 4));
        }
        console.Write(table);
        if (report.Wald is not null) console.MarkupLine(Markup.Escape($"Joint Wald statistic {G(report.Wald.Observed, 5)}, randomization p = {G(report.Wald.TwoSided.Value, 4)}"));
        console.MarkupLine(Markup.Escape($"{report.Units:N0} units ({report.RowsDropped:N0} rows dropped), {report.Permutations:N0} permutations; design: {report.Design}"));
        console.MarkupLine(Markup.Escape($"Backend: {report.Backend}"));
        foreach (string note in report.Notes) console.MarkupLine(Markup.Escape($"Note: {note}"));
        console.MarkupLine(Markup.Escape($"Report: {Path.Combine(folder, ReportFiles.Html)} (and report.md, report.json, null.csv, plots)"));
    }
}
