using GpuInference.Data;
using GpuInference.Design.Randomization;
using GpuInference.Tests.Data;

namespace GpuInference.Tests.Design.Randomization;

/// <summary>Permutation files: columns read in unit order through the caller's codes; bad input named by file, line and column.</summary>
public sealed class PermutationFileReaderTests : IDisposable
{
    private static readonly Dictionary<string, int> Arms = new() { ["control"] = 0, ["low"] = 1, ["high"] = 2 };

    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void ReturnsColumnBForPermutationBWhateverTheSeed()
    {
        string path = _files.Write("perms.csv", "p1,p2,p3\ncontrol,low,high\nhigh, low ,control\r\nlow,\"control\",low\n");
        FileAssignmentDesign design = PermutationFileReader.Read(path, 3, Arms);
        Assert.Equal(["p1", "p2", "p3"], design.Names);
        Assert.Equal(3, design.UnitCount);
        Assert.Equal(3, design.CodeCount);
        Assert.Equal(3L, design.PermutationLimit);
        var drawn = new int[3];
        design.Draw(12345, 0, drawn);
        Assert.Equal([0, 2, 1], drawn);
        design.Draw(0, 1, drawn);
        Assert.Equal([1, 1, 0], drawn);
        var bytes = new byte[3];
        design.Draw(0, 2, bytes);
        Assert.Equal([2, 0, 1], bytes);
        Assert.Equal(3, (int)design.CountAssignments());
        Assert.Equal($"from file {path}: 3 permutations of 3 units, 3 codes", design.Describe());
        Assert.Equal($"permutation 3 is beyond the 3 columns of {path}. (Parameter 'permutation')",
            Assert.Throws<ArgumentOutOfRangeException>(() => design.Draw(0, 3, drawn)).Message);
    }

    [Fact]
    public void ReadsGzipAndCountsDistinctColumns()
    {
        string path = _files.WriteGzip("perms.csv.gz", "a,b,c\n0,1,0\n1,0,1\n");
        FileAssignmentDesign design = PermutationFileReader.Read(path, 2, new Dictionary<string, int> { ["0"] = 0, ["1"] = 1 });
        Assert.Equal(2, (int)design.CountAssignments());
        Assert.Equal(1, design.ObtainPermutationMatrix(0, 3)[1, 1] ^ 1);
    }

    [Fact]
    public void TooFewRowsNameTheFileAndBothCounts()
    {
        string path = _files.Write("short.csv", "p1,p2\n0,1\n1,0\n");
        var error = Assert.Throws<DataFormatException>(() => PermutationFileReader.Read(path, 3, new Dictionary<string, int> { ["0"] = 0, ["1"] = 1 }));
        Assert.Equal($"{path}: 2 rows of assignments, expected 3 (one per unit, in unit order)", error.Message);
    }

    [Fact]
    public void TooManyRowsNameTheFileAndBothCounts()
    {
        string path = _files.Write("long.csv", "p1\n0\n1\n0\n1\n");
        var error = Assert.Throws<DataFormatException>(() => PermutationFileReader.Read(path, 2, new Dictionary<string, int> { ["0"] = 0, ["1"] = 1 }));
        Assert.Equal($"{path}: 4 rows of assignments, expected 2 (one per unit, in unit order)", error.Message);
    }

    [Fact]
    public void UnknownValueIsNamedByLineAndColumn()
    {
        string path = _files.Write("bad.csv", "p1,p2\ncontrol,low\nhigh,medium\n");
        var error = Assert.Throws<DataFormatException>(() => PermutationFileReader.Read(path, 2, Arms));
        Assert.Equal($"{path}:3:2: permutation 'p2': 'medium' is not one of the codes (control, low, high)", error.Message);
        Assert.Equal((3L, 2), (error.Line, error.Column));
    }

    [Fact]
    public void MissingCellAndBadHeaderAreNamedByLineAndColumn()
    {
        string ragged = _files.Write("ragged.csv", "p1,p2\nlow,low\nhigh\n");
        Assert.Equal($"{ragged}:3:2: expected 2 fields, found 1",
            Assert.Throws<DataFormatException>(() => PermutationFileReader.Read(ragged, 2, Arms)).Message);
        string empty = _files.Write("empty.csv", "p1,,p3\n0,0,0\n");
        Assert.Equal($"{empty}:1:2: a permutation column has no name",
            Assert.Throws<DataFormatException>(() => PermutationFileReader.Read(empty, 1, Arms)).Message);
        string twice = _files.Write("twice.csv", "p1,p2,p1\n0,0,0\n");
        Assert.Equal($"{twice}:1:3: column name 'p1' is given twice (columns 1 and 3)",
            Assert.Throws<DataFormatException>(() => PermutationFileReader.Read(twice, 1, Arms)).Message);
    }

    [Fact]
    public void ColumnsGiveTheSameDesignAsAFile()
    {
        FileAssignmentDesign design = AssignmentDesigns.FromColumns([[0, 1, 1], [1, 0, 1], [0, 1, 1]], ["x", "y", "z"], "matrix");
        Assert.Equal(2, (int)design.CountAssignments());
        Assert.Equal("from file matrix: 3 permutations of 3 units, 2 codes", design.Describe());
        var drawn = new int[3];
        design.Draw(0, 1, drawn);
        Assert.Equal([1, 0, 1], drawn);
        FileAssignmentDesign wide = AssignmentDesigns.FromColumns([[0, 1000]]);
        wide.Draw(0, 0, drawn.AsSpan(0, 2));
        Assert.Equal([0, 1000], drawn[..2]);
        Assert.Throws<InvalidOperationException>(() => wide.Draw(0, 0, new byte[2]));
    }
}
