namespace LogSidecar.Injector.Tests.Infrastructure;

/// <summary>Waits for something another task does; the deadline only bounds a failing test, no result depends on time.</summary>
public static class Condition
{
    public static async Task WaitAsync(Func<Task<bool>> holds, string what, Action? meanwhile = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await holds())
        {
            Assert.True(DateTime.UtcNow < deadline, $"gave up waiting for {what}");
            meanwhile?.Invoke();
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public static Task WaitAsync(Func<bool> holds, string what, Action? meanwhile = null) =>
        WaitAsync(() => Task.FromResult(holds()), what, meanwhile);
}
