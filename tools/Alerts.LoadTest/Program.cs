using Alerts.LoadTest;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(LoadTestOptions.Usage);
    return 0;
}

LoadTestOptions options;
try
{
    options = LoadTestOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(options.MaxTotalSeconds));
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    return await new LoadTest(options).RunAsync(stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.Error.WriteLine($"Stopped: Ctrl+C or the time limit (--max-total-seconds {options.MaxTotalSeconds}).");
    return 3;
}
