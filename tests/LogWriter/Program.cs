using System.Globalization;
using System.Text;
using LogWriter;

// A stand-in application for the tailing tests. It holds its log file open with O_APPEND, like a
// real logger, so rename rotation leaves it writing to the old file until told to reopen, and
// copytruncate makes its next write land at offset 0. Commands come one per line on stdin:
//   write N      append N numbered lines ("line 00000001 ..."), then answer "ok LAST"
//   reopen       close the file and open the path again (what SIGHUP does for nginx), answer "ok"
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
