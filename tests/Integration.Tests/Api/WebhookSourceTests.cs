using System.Net;
using System.Net.Http.Json;

namespace CallCampaigns.Integration.Tests.Api;

/// <summary>The optional allow-list of addresses webhooks may come from (Bolna publishes its own).</summary>
public sealed class WebhookSourceTests
{
    [Theory]
    [InlineData("13.203.39.153", HttpStatusCode.Forbidden)]
    [InlineData("127.0.0.0/8", HttpStatusCode.Accepted)]
    [InlineData("127.0.0.1", HttpStatusCode.Accepted)]
    public async Task Webhooks_from_addresses_off_the_list_are_refused(string allowed, HttpStatusCode expected)
    {
        using var data = new TempFolder();
        await using var node = await EmbeddedNode.StartAsync(data.Path, new Dictionary<string, string?> { ["Bolna:AllowedSourceAddresses:0"] = allowed });
        using var http = new HttpClient();

        using var response = await http.PostAsJsonAsync(
            $"{node.BaseUrl}api/webhooks/bolna?token={node.WebhookSecret}", new { id = "not-ours", status = "completed" });

        Assert.Equal(expected, response.StatusCode);
    }
}
