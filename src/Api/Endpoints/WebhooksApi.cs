using System.Net;
using System.Security.Cryptography;
using System.Text;
using CallCampaigns.Bolna;
using CallCampaigns.Grains;
using CallCampaigns.Grains.Calls;
using CallCampaigns.Silo;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CallCampaigns.Api.Endpoints;

/// <summary>
/// Bolna's execution webhooks, taken into the inbox: the request authenticates (secret in constant time, optional
/// source allow-list), reads at most 1 MB (chunked or not), parses leniently, stores the delivery durably and answers
/// 202. Nothing else happens in the request: appliers on any node apply the delivery. Only a ledger that cannot
/// store it gives a 5xx: 503, which Bolna retries.
/// </summary>
public static class WebhooksApi
{
    private const int MaxBodyBytes = 1 << 20;

    public sealed record Accepted(string ExecutionId, string Status);

    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/webhooks").WithTags("Webhooks").AllowAnonymous();
        group.MapPost("/bolna", Receive);
        return group;
    }

    public static async Task<Results<Accepted<Accepted>, ProblemHttpResult>> Receive(
        HttpRequest request, NodeSecrets secrets, CallReports reports, IOptions<BolnaOptions> bolna, ILoggerFactory loggers)
    {
        if (!SourceAllowed(request.HttpContext.Connection.RemoteIpAddress, bolna.Value.AllowedSourceAddresses))
        {
            return TypedResults.Problem(statusCode: 403, title: "Forbidden", detail: "Webhooks are accepted only from Bolna's addresses.");
        }

        // An empty ?token= is no token: the header may still carry the secret.
        var token = request.Query["token"].ToString();
        var presented = string.IsNullOrEmpty(token) ? request.Headers["X-Webhook-Token"].ToString() : token;
        if (!SecretMatches(presented, secrets.WebhookSecret))
        {
            return TypedResults.Problem(statusCode: 401, title: "Unauthorized", detail: "Present the webhook secret as ?token= or X-Webhook-Token.");
        }

        var tooLarge = TypedResults.Problem(statusCode: 413, title: "Payload Too Large", detail: "Webhook bodies are at most 1 MB.");
        if (request.ContentLength > MaxBodyBytes) return tooLarge;
        string? body;
        try
        {
            body = await ReadAtMostAsync(request.Body, MaxBodyBytes, request.HttpContext.RequestAborted);
        }
        catch (BadHttpRequestException e)
        {
            return TypedResults.Problem(statusCode: 400, title: "Bad Request", detail: $"The body could not be read: {e.Message}");
        }

        if (body is null) return tooLarge;
        ReportResult result;
        try
        {
            result = await reports.ReceiveAsync(body, cancellationToken: request.HttpContext.RequestAborted);
        }
        catch (Exception e) when (!request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            loggers.CreateLogger(typeof(WebhooksApi)).LogWarning("Webhook not stored, the ledger is unavailable: {Error}", e.Message);
            request.HttpContext.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(statusCode: 503, title: "Service Unavailable", detail: "The webhook could not be stored right now; send it again.");
        }

        if (result.Outcome == ReportOutcome.Malformed) return TypedResults.Problem(statusCode: 400, title: "Bad Request", detail: result.Error);
        if (KillPoints.IsArmed(KillPoints.InboxBeforeApply))
        {
            // Once the 202 is on its way back to Bolna, which will not send this delivery again: only the inbox has it.
            request.HttpContext.Response.OnCompleted(() =>
            {
                KillPoints.Reached(KillPoints.InboxBeforeApply);
                return Task.CompletedTask;
            });
        }

        return TypedResults.Accepted((string?)null, new Accepted(result.Update!.ExecutionId, result.Update.Status));
    }

    /// <summary>The body as text, or null when it is longer than <paramref name="limit"/> bytes (it is not read further).</summary>
    private static async Task<string?> ReadAtMostAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var content = new MemoryStream();
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (content.Length + read > limit) return null;
                content.Write(buffer, 0, read);
            }

            return Encoding.UTF8.GetString(content.GetBuffer(), 0, (int)content.Length);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
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
