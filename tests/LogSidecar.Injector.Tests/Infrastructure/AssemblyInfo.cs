using LogSidecar.Injector.Tests.Infrastructure;

// One HTTPS webhook for the whole run: golden cases and admission tests share it.
[assembly: AssemblyFixture(typeof(WebhookFixture))]
