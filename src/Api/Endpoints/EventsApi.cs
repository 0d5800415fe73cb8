using System.Security.Claims;
using System.Text.Json;
using System.Threading.Channels;
using CallCampaigns.Api.Auth;
using CallCampaigns.Api.Contracts;
using CallCampaigns.Grains.Abstractions;
using CallCampaigns.Ledger.Campaigns;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace CallCampaigns.Api.Endpoints;

/// <summary>
/// A campaign's live changes as server-sent events. The connection's node subscribes a grain observer to the
/// campaign's grain, wherever in the cluster that grain lives, and renews it while the client listens.
/// </summary>
public static class EventsApi
{
    private static readonly TimeSpan Renew = TimeSpan.FromSeconds(20);

    public static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Stream(
        long id, ClaimsPrincipal caller, CampaignStore campaigns, IGrainFactory grains, HttpContext context,
        IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var campaign = await campaigns.GetForUserAsync(caller.UserId(), id);
        if (campaign is null) return Problems.NotFound($"No campaign {id}.");

        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var serializer = json.Value.SerializerOptions;
        var listener = new Listener();
        var reference = grains.CreateObjectReference<ICampaignObserver>(listener);
        var grain = grains.GetGrain<ICampaignGrain>(id);
        try
        {
            await grain.Subscribe(reference);
            await WriteAsync(response, "campaign", Campaign.From(campaign), serializer, cancellationToken);
            while (!cancellationToken.IsCancellationRequested)
            {
                using var renew = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                renew.CancelAfter(Renew);
                try
                {
                    while (await listener.Changes.Reader.WaitToReadAsync(renew.Token))
                    {
                        while (listener.Changes.Reader.TryRead(out var change))
                        {
                            await WriteAsync(response, change.Kind, change, serializer, cancellationToken);
                        }
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await response.WriteAsync(": still here\n\n", cancellationToken);
                    await response.Body.FlushAsync(cancellationToken);
                    await grain.Subscribe(reference);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            try
            {
                await grain.Unsubscribe(reference);
            }
            catch (Exception)
            {
                // The subscription expires by itself.
            }

            grains.DeleteObjectReference<ICampaignObserver>(reference);
        }

        return TypedResults.Empty;
    }

    private static async Task WriteAsync<T>(HttpResponse response, string kind, T data, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        await response.WriteAsync($"event: {kind}\ndata: {JsonSerializer.Serialize(data, options)}\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private sealed class Listener : ICampaignObserver
    {
        public Channel<CampaignEvent> Changes { get; } = Channel.CreateBounded<CampaignEvent>(
            new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

        public Task OnCampaignEvent(CampaignEvent change)
        {
            Changes.Writer.TryWrite(change);
            return Task.CompletedTask;
        }
    }
}
