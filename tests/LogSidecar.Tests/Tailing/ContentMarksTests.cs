using System.Text;
using LogSidecar.Pipeline;
using LogSidecar.Tailing;

namespace LogSidecar.Tests.Tailing;

public class ContentMarksTests
{
    [Fact]
    public void CopyMatchesAtTheFurthestMarkItReachesAndAFileThatDiffersThereDoesNot()
    {
        using var dir = new TempDirectory();
        var content = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 3000).Select(n => $"line {n:D6}\n")));
        var marks = new ContentMarks();
        foreach (var end in new[] { 6000, 12000, 24000, content.Length })
        {
            marks.Add(end, content.AsSpan(0, end));
        }

        // A copy taken when the file had 20,000 bytes reaches the marks at 6,000 and 12,000.
        File.WriteAllBytes(dir.File("copy"), content[..20000]);
        var changed = content[..20000];
        changed[11990] = (byte)'X';
        File.WriteAllBytes(dir.File("changed"), changed);
        File.WriteAllBytes(dir.File("short"), content[..5000]);

        Assert.Equal(12000, Matching(dir.File("copy"), marks)?.End);
        Assert.Null(Matching(dir.File("changed"), marks));
        Assert.Null(Matching(dir.File("short"), marks));
    }

    [Fact]
    public void OlderMarksThinOutWhileTheFirstAndTheLatestStay()
    {
        var marks = new ContentMarks();
        for (var end = 1; end <= 100; end++)
        {
            marks.Add(end * 1000, [(byte)end]);
        }

        var kept = marks.Snapshot().Select(mark => mark.End).ToList();

        Assert.InRange(kept.Count, 8, 16);
        Assert.Equal(1000, kept[0]);
        Assert.Equal(100_000, kept[^1]);
        Assert.Equal(kept.Order(), kept);

        // Spacing grows with age: the oldest gap is wider than the newest.
        Assert.True(kept[2] - kept[1] > kept[^1] - kept[^2]);
    }

    private static ReadMark? Matching(string path, ContentMarks marks)
    {
        using var file = File.OpenHandle(path);
        return ContentMarks.Matching(file, RandomAccess.GetLength(file), marks.Snapshot());
    }
}
