using System.Net;
using CallCampaigns.Bolna;
using CallCampaigns.Domain;
using CallCampaigns.Grains;
using CallCampaigns.Grains.Calls;
using CallCampaigns.Ledger.Calls;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Contacts;
using CallCampaigns.Ledger.Imports;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;
using CallCampaigns.Ledger.Slots;
using CallCampaigns.Ledger.Users;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace CallCampaigns.Silo;

/// <summary>Everything a node has: the ledger, the dialer, the silo (embedded or clustered) and its background work.</summary>
public static class NodeHosting
{
    private const string Invariant = "Npgsql";

    public static IHostApplicationBuilder AddCallCampaignsNode(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var services = builder.Services;
        var mode = NodeMode.From(configuration);
        services.AddSingleton(mode);
        services.Configure<StorageOptions>(configuration.GetSection(StorageOptions.Section));
        services.Configure<LimitsOptions>(configuration.GetSection(LimitsOptions.Section));
        services.Configure<AuthOptions>(configuration.GetSection(AuthOptions.Section));

        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        var bolna = configuration.GetSection(BolnaOptions.Section).Get<BolnaOptions>() ?? new BolnaOptions();
        services.AddSingleton(NodeSecrets.Resolve(mode, auth, bolna.WebhookSecret, auth.CreateDemoUser ?? !mode.IsCluster));
        services.AddCallCampaignsServices(configuration, mode.IsCluster
            ? LedgerDatabase.ForPostgres(mode.PostgresConnectionString!)
            : LedgerDatabase.ForSqliteFile(mode.SqliteFile));

        // Hosted services start in order: the schemas must exist before the silo joins its cluster.
        services.AddHostedService<NodePreparation>();
        builder.UseOrleans(silo => ConfigureSilo(silo, mode, configuration));
        services.AddHostedService<NodeHeartbeat>();
        services.AddHostedService<ClusterFailover>();
        return builder;
    }

    /// <summary>What the grains need, whatever hosts them: the ledger's stores, the dialer, the engine's options.</summary>
    public static IServiceCollection AddCallCampaignsServices(this IServiceCollection services, IConfiguration configuration, LedgerDatabase ledger)
    {
        services.TryAddSingleton(EngineClock.Real);
        services.Configure<EngineOptions>(configuration.GetSection(EngineOptions.Section));
        services.AddSingleton(ledger);
        services.AddSingleton(provider => new LedgerNode(provider.GetRequiredService<Orleans.Runtime.ILocalSiloDetails>().SiloAddress.ToParsableString()));
        services.AddSingleton<LedgerMigrator>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<ContactStore>();
        services.AddSingleton<CampaignStore>();
        services.AddSingleton<QueueStore>();
        services.AddSingleton<HoldStore>();
        services.AddSingleton<CallCampaigns.Ledger.Suppressions.SuppressionStore>();
        services.AddSingleton<CallCampaigns.Ledger.Suppressions.SuppressionImportStore>();
        services.AddSingleton<SlotLeaseStore>();
        services.AddSingleton<InboxStore>();
        services.AddSingleton<AnalyticsStore>();
        services.AddSingleton<ForecastStore>();
        services.AddSingleton<ImportStore>();
        services.AddSingleton<CallCampaigns.Ledger.Rules.CallingRuleStore>();
        services.AddSingleton<CallCampaigns.Ledger.Rules.CallingRuleBook>();
        // The webhook inbox: stored with group commit, applied by every node, kept for its retention.
        services.AddSingleton<CallApplier>();
        services.AddHostedService(provider => provider.GetRequiredService<CallApplier>());
        services.AddSingleton<InboxWriter>();
        services.AddHostedService(provider => provider.GetRequiredService<InboxWriter>());
        services.AddHostedService<LedgerRetention>();
        services.AddSingleton<CallReports>();
        services.AddSingleton<CallCampaigns.Grains.Campaigns.DialAnswers>();
        services.AddSingleton<CallCampaigns.Grains.Campaigns.Dispatcher>();
        AddDialer(services, configuration);
        return services;
    }

    private static void AddDialer(IServiceCollection services, IConfiguration configuration)
    {
        var bolna = configuration.GetSection(BolnaOptions.Section).Get<BolnaOptions>() ?? new BolnaOptions();
        services.Configure<BolnaOptions>(configuration.GetSection(BolnaOptions.Section));
        services.Configure<SimulatorOptions>(configuration.GetSection(SimulatorOptions.Section));
        var mode = configuration.GetSection(DialerOptions.Section).Get<DialerOptions>()?.Mode;
        var useBolna = mode is null ? !string.IsNullOrWhiteSpace(bolna.ApiKey) : mode.Equals("Bolna", StringComparison.OrdinalIgnoreCase);
        if (useBolna)
        {
            services.AddSingleton<BolnaCallRate>();
            services.AddHttpClient<IDialer, BolnaDialer>(BolnaDialer.HttpClientName, (provider, http) =>
                {
                    var options = provider.GetRequiredService<IOptions<BolnaOptions>>().Value;
                    http.BaseAddress = new Uri(options.BaseUrl.TrimEnd('/') + "/");
                    http.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline times each attempt
                    http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", options.ApiKey);
                })
                .AddStandardResilienceHandler(options =>
                {
                    // A repeated POST /call could call a person twice: only look-ups are retried.
                    options.Retry.DisableForUnsafeHttpMethods();
                    options.AttemptTimeout.Timeout = bolna.DialTimeout;
                    options.TotalRequestTimeout.Timeout = bolna.DialTimeout * 4;
                    options.CircuitBreaker.SamplingDuration = bolna.DialTimeout * 4;
                });
        }
        else
        {
            services.AddSingleton<SimulatorWebhookTarget>();
            services.AddHttpClient(CallSimulator.HttpClientName).AddStandardResilienceHandler();
            services.AddSingleton<IDialer, CallSimulator>();
        }
    }

    private static void ConfigureSilo(ISiloBuilder silo, NodeMode mode, IConfiguration configuration)
    {
        var node = configuration.GetSection(ClusterNodeOptions.Section).Get<ClusterNodeOptions>() ?? new ClusterNodeOptions();
        var engine = configuration.GetSection(EngineOptions.Section).Get<EngineOptions>() ?? new EngineOptions();
        // Reminders are the campaigns' durable safety net; let it tick as often as configured.
        silo.Configure<Orleans.Hosting.ReminderOptions>(options =>
            options.MinimumReminderPeriod = engine.SafetyNetPeriod < options.MinimumReminderPeriod ? engine.SafetyNetPeriod : options.MinimumReminderPeriod);
        // The Orleans dashboard's data (served by the API at /dashboard, behind the admin key).
        Orleans.Dashboard.ServiceCollectionExtensions.AddDashboard(silo);
        // How fast a dead node is noticed: our defaults (see MembershipDefaults), then Orleans:Membership:* over them.
        silo.Services.Configure<Orleans.Configuration.ClusterMembershipOptions>(MembershipDefaults.Apply);
        silo.Services.Configure<Orleans.Configuration.ClusterMembershipOptions>(configuration.GetSection("Orleans:Membership"));
        if (mode.IsCluster)
        {
            silo.Configure<Orleans.Configuration.ClusterOptions>(options =>
            {
                options.ClusterId = node.ClusterId;
                options.ServiceId = node.ServiceId;
            });
            // Silo traffic only on the advertised address; no client gateway unless asked for (the API is co-hosted).
            silo.ConfigureEndpoints(IPAddress.Parse(node.AdvertisedIPAddress), node.SiloPort, node.GatewayPort ?? 0, listenOnAnyHostAddress: false);
            silo.UseAdoNetClustering(options =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = mode.PostgresConnectionString;
            });
            silo.AddAdoNetGrainStorageAsDefault(options =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = mode.PostgresConnectionString;
            });
            silo.UseAdoNetReminderService(options =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = mode.PostgresConnectionString;
            });
        }
        else
        {
            silo.UseLocalhostClustering(node.SiloPort, node.GatewayPort ?? 0);
            silo.AddMemoryGrainStorageAsDefault();
            silo.UseInMemoryReminderService();
        }
    }
}
