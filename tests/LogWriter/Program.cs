using System.Globalization;
using System.Text;
using LogWriter;

// A stand-in application for the tailing tests. It holds its log file open with O_APPEND, like a
// real logger, so rename rotation leaves it writing to the old file until told to reopen, and
// copytruncate makes its next write land at offset 0. Commands come one per line on stdin:
//   write N      append N numbered lines ("line 00000001 ..."), then answer "ok LAST"
//   reopen       close the file and open the path again (what SIGHUP does for nginx), answer "ok"
//   copytruncate KEEP [RACE]
//                rotate as logrotate's copytruncate with rotate KEEP: copies move up, the file is
//                copied to FILE.1 and truncated; RACE lines are written between the copy and the
//                truncation (the copytruncate race). Answer "ok LAST"
//   run SECONDS RATE ROTATE_MS KEEP
//                write RATE lines a second in 10 ms chunks for SECONDS, with copytruncate (KEEP
//                copies) every ROTATE_MS, then answer "ok LAST"
//   quit         exit
if (args.Length != 1)
{
    await Console.Error.WriteLineAsync("usage: logwriter FILE");
    return 2;
}

var path = args[0];
using var file = new AppendFile(path);
var next = 1L;
while (await Console.In.ReadLineAsync() is { } command)
{
    var parts = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    switch (parts)
    {
        case ["write", var count]:
            var lines = int.Parse(count, CultureInfo.InvariantCulture);
            file.Append(Encoding.UTF8.GetBytes(NumberedLines.Text(next, lines)));
            next += lines;
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"ok {next - 1}"));
            break;
        case ["copytruncate", var keep, .. var race]:
            CopyTruncate.Rotate(path, file, int.Parse(keep, CultureInfo.InvariantCulture), () =>
            {
                var lines = race.Length == 1 ? int.Parse(race[0], CultureInfo.InvariantCulture) : 0;
                file.Append(Encoding.UTF8.GetBytes(NumberedLines.Text(next, lines)));
                next += lines;
            });
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"ok {next - 1}"));
            break;
        case ["run", var seconds, var rate, var rotateMs, var keepCopies]:
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var nextRotation = TimeSpan.FromMilliseconds(int.Parse(rotateMs, CultureInfo.InvariantCulture));
            var perChunk = Math.Max(1, int.Parse(rate, CultureInfo.InvariantCulture) / 100);
            var end = TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture));
            for (var chunk = 1; clock.Elapsed < end; chunk++)
            {
                file.Append(Encoding.UTF8.GetBytes(NumberedLines.Text(next, perChunk)));
                next += perChunk;
                if (clock.Elapsed >= nextRotation)
                {
                    CopyTruncate.Rotate(path, file, int.Parse(keepCopies, CultureInfo.InvariantCulture), () => { });
                    nextRotation += TimeSpan.FromMilliseconds(int.Parse(rotateMs, CultureInfo.InvariantCulture));
                }

                // The pace of a steady writer: the next chunk is due 10 ms after the previous one.
                var due = TimeSpan.FromMilliseconds(10 * chunk);
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed);
                }
            }

            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"ok {next - 1}"));
            break;
        case ["reopen"]:
            file.Reopen();
            await Console.Out.WriteLineAsync("ok");
            break;
        case ["quit"]:
            return 0;
        default:
            await Console.Error.WriteLineAsync($"unknown command: {command}");
            return 2;
    }

    await Console.Out.FlushAsync();
}

return 0;
