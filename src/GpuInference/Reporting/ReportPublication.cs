using System.Diagnostics;
using System.Globalization;
using GpuInference.Analysis;

namespace GpuInference.Reporting;

/// <summary>
/// Puts a report set into its folder all at once. The files are written into a fresh sibling folder,
/// <c>&lt;out&gt;.tmp-&lt;pid&gt;-&lt;random&gt;</c>, flushed to disk, and then swapped in by renames: the old folder is
/// renamed aside (<c>&lt;out&gt;.old-&lt;pid&gt;-&lt;random&gt;</c>), the new one renamed to <c>&lt;out&gt;</c>, the old one
/// deleted. A reader therefore finds either a whole set from one run or no folder for an instant, never a mix of two
/// runs or half a set.
/// <para>
/// Two runs sharing a folder need no lock: renaming a folder onto a folder that holds files fails, so a run whose
/// rename loses to another's moves the winner's set aside and tries again, and the last to publish wins whole.
/// Folders left by a killed run are swept by the next run on the same folder once their process has gone.
/// </para>
/// <para>
/// Because the whole folder is replaced, it must hold nothing but a report: <see cref="Begin"/> refuses a folder
/// with other files in it rather than delete them.
/// </para>
/// </summary>
public sealed class ReportPublication : IDisposable
{
    private const string StagingTag = ".tmp-";
    private const string AsideTag = ".old-";
    private const int MaxSwapAttempts = 100;

    private readonly string _parent;
    private readonly string _name;
    private bool _published;

    private ReportPublication(string folder, string parent, string name, string staging)
    {
        Folder = folder;
        _parent = parent;
        _name = name;
        StagingFolder = staging;
    }

    /// <summary>The report folder, as a full path.</summary>
    public string Folder { get; }

    /// <summary>The fresh sibling folder the set is written into before it is published.</summary>
    public string StagingFolder { get; }

    /// <summary>
    /// Checks that <paramref name="folder"/> can take a report, sweeps what killed runs left beside it, and creates
    /// the staging folder: every problem with the destination surfaces here, before any work.
    /// </summary>
    /// <exception cref="ReportFolderException">The path is blank or a file, holds files that are not a report, or cannot be written.</exception>
    public static ReportPublication Begin(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (string.IsNullOrWhiteSpace(folder)) throw new ReportFolderException(folder, "is not a folder name");
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        string? parent = Path.GetDirectoryName(full);
        if (parent is null) throw new ReportFolderException(folder, "is the file system's root, which cannot be replaced");
        if (File.Exists(full)) throw new ReportFolderException(folder, "is a file, not a folder");

        string name = Path.GetFileName(full);
        string staging = Path.Combine(parent, $"{name}{StagingTag}{Environment.ProcessId}-{RandomTag()}");
        try
        {
            if (Directory.Exists(full)) RequireOnlyReportFiles(folder, full);
            Directory.CreateDirectory(parent);
            SweepLeftovers(parent, name);
            Directory.CreateDirectory(staging);
            // Creating a folder needs write permission on the parent, which every rename below needs too; a file
            // written inside proves the staging folder itself takes files (a read-only mount may still allow mkdir).
            File.WriteAllBytes(Path.Combine(staging, ".probe"), []);
            File.Delete(Path.Combine(staging, ".probe"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(staging);
            throw new ReportFolderException(folder, $"cannot be written: {e.Message}", e);
        }
        return new ReportPublication(full, parent, name, staging);
    }

    /// <summary>
    /// Removes the report already in the folder, at once, so that a run that then fails leaves no report of an
    /// earlier run looking like its own.
    /// </summary>
    public void Retract()
    {
        string aside = AsidePath();
        if (TryRename(Folder, aside)) TryDelete(aside);
    }

    /// <summary>Writes the report into the staging folder, flushes it to disk and swaps it in. Returns the paths as published.</summary>
    public IReadOnlyList<string> Publish(AnalysisReport report) => Publish(staging => ReportDirectory.Write(report, staging));

    /// <summary>
    /// Lets <paramref name="write"/> fill the staging folder (it returns the paths it wrote), flushes them to disk and
    /// swaps the folder in. Returns the paths as published.
    /// </summary>
    public IReadOnlyList<string> Publish(Func<string, IReadOnlyList<string>> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        ObjectDisposedException.ThrowIf(_published, this);
        IReadOnlyList<string> written = write(StagingFolder);
        // Durable before visible: after a crash the folder holds the old set or the new one, not empty files.
        foreach (string file in written)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
            stream.Flush(flushToDisk: true);
        }
        SwapIn();
        _published = true;
        return written.Select(file => Path.Combine(Folder, Path.GetFileName(file))).ToArray();
    }

    private void SwapIn()
    {
        for (int attempt = 0; attempt < MaxSwapAttempts; attempt++)
        {
            string aside = AsidePath();
            bool movedAside = TryRename(Folder, aside);
            try
            {
                Directory.Move(StagingFolder, Folder);
                return;
            }
            catch (IOException) when (Directory.Exists(Folder) && Directory.Exists(StagingFolder))
            {
                // Another run published between our two renames; move its set aside on the next pass.
            }
            finally
            {
                if (movedAside) TryDelete(aside);
            }
        }
        throw new IOException($"could not publish the report in '{Folder}': other runs kept replacing it ({MaxSwapAttempts} attempts)");
    }

    /// <summary>Deletes the staging folder unless the set was published.</summary>
    public void Dispose()
    {
        if (!_published) TryDelete(StagingFolder);
        _published = true;
    }

    private string AsidePath() => Path.Combine(_parent, $"{_name}{AsideTag}{Environment.ProcessId}-{RandomTag()}");

    private static void RequireOnlyReportFiles(string given, string full)
    {
        string[] entries;
        try
        {
            entries = Directory.GetFileSystemEntries(full);
        }
        catch (DirectoryNotFoundException)
        {
            // Another run sharing the folder is between its two renames: for that instant there is no folder, so
            // nothing in it to refuse.
            return;
        }
        // In name order, so that the same folder always gives the same message.
        foreach (string entry in entries.Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(entry);
            bool ours = Directory.Exists(entry) ? name.StartsWith(".partial-", StringComparison.Ordinal) : ReportFiles.IsReportFile(name);
            if (!ours)
                throw new ReportFolderException(given, $"holds '{name}', which is not part of a report; the folder is replaced as a whole, so give one that holds a report or nothing");
        }
    }

    /// <summary>
    /// Deletes staging and set-aside folders of this report folder whose process has gone. A live process's folders
    /// are left alone: it may be another run writing its own set.
    /// </summary>
    private static void SweepLeftovers(string parent, string name)
    {
        foreach (string tag in new[] { StagingTag, AsideTag })
        {
            foreach (string entry in Directory.EnumerateDirectories(parent, name + tag + "*"))
            {
                string rest = Path.GetFileName(entry)[(name.Length + tag.Length)..];
                int dash = rest.IndexOf('-', StringComparison.Ordinal);
                if (dash > 0 && int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && !IsAlive(pid)) TryDelete(entry);
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool TryRename(string from, string to)
    {
        try
        {
            Directory.Move(from, to);
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover is swept by a later run; failing the run over it would lose a finished report.
        }
    }

    private static string RandomTag() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
}
