using System.Net;
using System.Security.Cryptography;
using System.Text;
using CallCampaigns.Bolna;
using CallCampaigns.Grains.Calls;
using CallCampaigns.Silo;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CallCampaigns.Api.Endpoints;

/// <summary>
/// Bolna's execution webhooks. The secret is checked in constant time; the body is stored raw before anything
/// else; the call it is about applies it. Nothing here calls out of the node.
/// </summary>
public static class WebhooksApi
{
    private const int MaxBodyBytes = 1 << 20;

    public sealed record Accepted(string ExecutionId, string Status, bool Known);

    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/webhooks").WithTags("Webhooks").AllowAnonymous();
        group.MapPost("/bolna", Receive);
        return group;
    }

    public static async Task<Results<Ok<Accepted>, Accepted<Accepted>, ProblemHttpResult>> Receive(
        HttpRequest request, string? token, NodeSecrets secrets, CallReports reports, IOptions<BolnaOptions> bolna, ILoggerFactory loggers)
    {
        if (!SourceAllowed(request.HttpContext.Connection.RemoteIpAddress, bolna.Value.AllowedSourceAddresses))
        {
            return TypedResults.Problem(statusCode: 403, title: "Forbidden", detail: "Webhooks are accepted only from Bolna's addresses.");
        }

        var presented = token ?? request.Headers["X-Webhook-Token"].ToString();
        if (!SecretMatches(presented, secrets.WebhookSecret))
        {
            return TypedResults.Problem(statusCode: 401, title: "Unauthorized", detail: "Present the webhook secret as ?token= or X-Webhook-Token.");
        }

        if (request.ContentLength > MaxBodyBytes) return TypedResults.Problem(statusCode: 413, title: "Payload Too Large", detail: "Webhook bodies are at most 1 MB.");
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var result = await reports.ReceiveAsync(await reader.ReadToEndAsync(request.HttpContext.RequestAborted));
        switch (result.Outcome)
        {
            case ReportOutcome.Malformed:
                return TypedResults.Problem(statusCode: 400, title: "Bad Request", detail: result.Error);
            case ReportOutcome.Unknown:
                loggers.CreateLogger(typeof(WebhooksApi)).LogInformation(
                    "Webhook for unknown execution {ExecutionId} ({Status}) logged", result.Update!.ExecutionId, result.Update.Status);
                return TypedResults.Accepted((string?)null, new Accepted(result.Update.ExecutionId, result.Update.Status, false));
            default:
                return TypedResults.Ok(new Accepted(result.Update!.ExecutionId, result.Update.Status, true));
        }
    }

    /// <summary>True when no allow-list is set, or the caller's address is on it (an address, or a network as a.b.c.d/n).</summary>
    private static bool SourceAllowed(IPAddress? remote, string[] allowed)
    {
        if (allowed.Length == 0) return true;
        if (remote is null) return false;
        if (remote.IsIPv4MappedToIPv6) remote = remote.MapToIPv4();
        return allowed.Any(entry => entry.Contains('/', StringComparison.Ordinal)
            ? IPNetwork.TryParse(entry, out var network) && network.Contains(remote)
            : IPAddress.TryParse(entry, out var address) && address.Equals(remote));
    }

    private static bool SecretMatches(string? presented, string secret) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
