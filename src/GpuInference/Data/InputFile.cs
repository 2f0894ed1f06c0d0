using System.IO.Compression;

namespace GpuInference.Data;

/// <summary>Opens input files for one sequential read, decompressing gzip when the file starts with its magic bytes.</summary>
public static class InputFile
{
    private const int FileBufferSize = 1 << 20;

    /// <summary>
    /// Opens <paramref name="path"/> for reading; gzip is detected from the first two bytes (1F 8B), not from the
    /// name, because renamed or extensionless downloads are common. Concatenated gzip members are read through, and
    /// each is checked against its trailer: a cut or damaged gzip file throws <see cref="DataFormatException"/> naming
    /// it. A folder given as the file throws the same.
    /// </summary>
    public static Stream OpenRead(string path)
    {
        if (Directory.Exists(path)) throw new DataFormatException(path, "is a folder, not a file");
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileBufferSize, FileOptions.SequentialScan);
        try
        {
            Span<byte> magic = stackalloc byte[2];
            int got = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            file.Position = 0;
            if (got == 2 && magic[0] == 0x1F && magic[1] == 0x8B)
                return new CheckedGzipStream(file, path);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Creates <paramref name="path"/> for writing, gzip-compressed (fastest level) when <paramref name="gzip"/> is set.</summary>
    public static Stream Create(string path, bool gzip)
    {
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, FileBufferSize, FileOptions.SequentialScan);
        return gzip ? new GZipStream(file, CompressionLevel.Fastest, leaveOpen: false) : file;
    }
}
