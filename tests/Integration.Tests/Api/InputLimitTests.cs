using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace CallCampaigns.Integration.Tests.Api;

/// <summary>Every input has a bound (README, "Limits"), checked before anything is written and answered 400 with its field.</summary>
public sealed class InputLimitTests(EmbeddedNodeFixture fixture) : IClassFixture<EmbeddedNodeFixture>
{
    private EmbeddedNode Node => fixture.Node;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> OversizedContacts() => new()
    {
        { "{\"name\":\"" + new string('n', 201) + "\",\"phoneNumber\":\"+14165550120\"}", "name" },
        { "{\"email\":\"" + new string('e', 321) + "\",\"phoneNumber\":\"+14165550120\"}", "email" },
        { "{\"company\":\"" + new string('c', 201) + "\",\"phoneNumber\":\"+14165550120\"}", "company" },
        { "{\"phoneNumber\":\"+1" + new string('5', 100) + "\"}", "phoneNumber" },
        { "{\"phoneNumber\":\"+14165550120\",\"customFields\":{\"plan\":\"" + new string('v', 2001) + "\"}}", "customFields" },
        { "{\"phoneNumber\":\"+14165550120\",\"customFields\":{" + string.Join(',', Enumerable.Range(0, 51).Select(i => $"\"f{i}\":\"x\"")) + "}}", "customFields" },
        { "{\"phoneNumber\":\"+14165550120\",\"customFields\":{\"plan\":null}}", "customFields" },
    };

    [Theory]
    [MemberData(nameof(OversizedContacts))]
    public async Task A_contact_field_over_its_bound_is_a_400_naming_it_and_no_contact_is_stored(string json, string field)
    {
        using var user = await NewUserAsync();
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await user.Http.PostAsync("api/contacts", content, Cancel);
        var problem = await ProblemAsync(response);
        Assert.NotNull(problem["errors"]![field]);
        Assert.Equal(0, (await user.GetAsync("api/contacts"))["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("name", 201)]
    [InlineData("description", 4001)]
    [InlineData("nextAction", 4001)]
    public async Task A_campaign_text_over_its_bound_is_a_400_and_no_campaign_is_created(string field, int length)
    {
        using var user = await NewUserAsync();
        var body = new Dictionary<string, object>
        {
            ["agentId"] = "sim-sales-agent",
            ["firstCallTime"] = "09:00",
            ["lastCallTime"] = "17:00",
            ["contactIds"] = await user.CreateContactsAsync(1),
            [field] = new string('x', length),
        };
        using var response = await user.Http.PostAsJsonAsync("api/campaigns", body, Cancel);
        Assert.NotNull((await ProblemAsync(response))["errors"]![field]);
        Assert.Equal(0, (await user.GetAsync("api/campaigns"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_user_name_over_200_characters_is_a_400()
    {
        using var admin = Node.Admin();
        using var response = await admin.Http.PostAsJsonAsync("api/admin/users", new { id = "long-name", name = new string('u', 201) }, Cancel);
        Assert.NotNull((await ProblemAsync(response))["errors"]!["name"]);
    }

    [Fact]
    public async Task A_csv_with_more_than_100_columns_is_refused_whole()
    {
        using var user = await NewUserAsync();
        var header = "phone_number," + string.Join(',', Enumerable.Range(0, 100).Select(i => $"c{i}"));
        using var response = await ImportAsync(user, $"{header}\n+14165550130{new string(',', 100)}\n");
        Assert.Contains("at most 100", (string?)(await ProblemAsync(response))["detail"]);
        Assert.Equal(0, (await user.GetAsync("api/campaigns"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_invalid_number_of_a_megabyte_is_echoed_back_in_at_most_64_characters()
    {
        using var user = await NewUserAsync();
        using var response = await ImportAsync(user, $"phone_number\n+14165550131\n{new string('9', 5000)}\n");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>(Cancel))!;
        var error = body["import"]!["errors"]!.AsArray().Single()!;
        Assert.InRange(((string)error["phoneNumber"]!).Length, 1, 67);
        Assert.Contains("longer than 64", (string?)error["reason"]);
    }

    [Fact]
    public async Task A_search_over_200_characters_is_a_400()
    {
        using var user = await NewUserAsync();
        using var response = await user.Http.GetAsync($"api/contacts?search={new string('s', 201)}", Cancel);
        Assert.NotNull((await ProblemAsync(response))["errors"]!["search"]);
    }

    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]), text);
        return problem;
    }

    private static async Task<HttpResponseMessage> ImportAsync(CampaignsClient user, string csv)
    {
        using var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        content.Add(file, "file", "contacts.csv");
        content.Add(new StringContent("sim-sales-agent"), "agentId");
        content.Add(new StringContent("09:00"), "firstCallTime");
        content.Add(new StringContent("17:00"), "lastCallTime");
        return await user.Http.PostAsync("api/campaigns/import", content, Cancel);
    }

    private async Task<CampaignsClient> NewUserAsync()
    {
        using var admin = Node.Admin();
        return new CampaignsClient(Node.BaseUrl, await admin.CreateUserAsync($"u{Guid.NewGuid():N}"[..20], limit: 2));
    }
}
