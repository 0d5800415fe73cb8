using System.Globalization;
using System.Text.Json.Nodes;
using CsCheck;

namespace CallCampaigns.Testing.Fuzz;

/// <summary>
/// Generators of request input, each a valid request mutated: fields removed or replaced by wrong types, edges, far
/// dates, wildcards and oversized text; bodies now and then cut short; CSV files of odd headers, cells and separators.
/// </summary>
public static class FuzzInputs
{
    private static string Day(int days) => DateTime.UtcNow.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Values a field may be replaced with.</summary>
    public static readonly Gen<JsonNode?> Odd = Gen.OneOf(
        Gen.OneOf<JsonNode?>(
            null, "", " ", "%", "_", "\\", "9999-12-31", "2026-02-30", "0001-01-01", "2026-1-1", "Pacific Standard Time", "Mars/Olympus",
            "Etc/GMT+12", "America/New_York", "25:00", "9:5", "24:00", "00:00", "asap", "spread", "busy", "no-answer", "-1", "1e3", "NaN",
            "Infinity", "\u0000", "=HYPERLINK(1)", "+14155550142", "sim-sales-agent", new string('x', 5000), 0, -1, 6, 1000, 1001, 100000,
            int.MaxValue, long.MaxValue, 1.5, 1e308, true, false),
        Gen.Const(0).Select(_ => (JsonNode?)new JsonArray()),
        Gen.Const(0).Select(_ => (JsonNode?)new JsonArray((JsonNode?)null)),
        Gen.Const(0).Select(_ => (JsonNode?)new JsonArray("busy", "no-answer", "x")),
        Gen.Const(0).Select(_ => (JsonNode?)new JsonArray(1, -1, long.MaxValue)),
        Gen.Const(0).Select(_ => (JsonNode?)new JsonObject()),
        Gen.Const(0).Select(_ => (JsonNode?)new JsonObject { ["maxAttempts"] = 3, ["delayMinutes"] = 0, ["on"] = new JsonArray("busy") }),
        Gen.String[0, 40].Select(s => (JsonNode?)s),
        Gen.Int[-3, 8].Select(i => (JsonNode?)i),
        Gen.Int[-10, 2500].Select(d => (JsonNode?)Day(d)));

    /// <summary>The same values as form-field text (a CSV import's fields).</summary>
    public static readonly Gen<string> OddText = Odd.Select(v => v is JsonValue j && j.TryGetValue<string>(out var s) ? s : v?.ToJsonString() ?? "");

    /// <summary>A valid body with one to three of its fields removed or replaced (a dotted name reaches into an object).</summary>
    public static Gen<string> Mutated(Func<JsonObject> valid, params string[] fields) =>
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 1000].Array[3], Odd.Array[3], Gen.Int[0, 19], (count, picks, values, shape) =>
        {
            var body = valid();
            for (var i = 0; i < count; i++)
            {
                var field = fields[picks[i] % fields.Length];
                var dot = field.IndexOf('.', StringComparison.Ordinal);
                var (target, name) = dot < 0 ? (body, field) : (Child(body, field[..dot]), field[(dot + 1)..]);
                if (picks[i] % 7 == 0) target.Remove(name);
                else target[name] = values[i]?.DeepClone();
            }

            var json = body.ToJsonString();
            return shape switch
            {
                0 => json[..(json.Length / 2)], // cut short
                1 => "[" + json + "]", // the wrong shape
                2 => "", // nothing
                _ => json,
            };
        });

    private static JsonObject Child(JsonObject body, string name) => body[name] as JsonObject ?? (JsonObject)(body[name] = new JsonObject());

    /// <summary>A query string of one to four of <paramref name="keys"/> with odd values.</summary>
    public static Gen<string> Query(params string[] keys)
    {
        var value = Gen.OneOf(
            Gen.OneOf("", "0", "-1", "1", "2", "50", "200", "201", "10000", "10001", "2147483647", "2147483648", "99999999999", "abc", "1.5", "%25", "_",
                "%5C", "%00", "active", "scheduled", "paused", "completed", "cancelled", "queued", "dialing", "failed", "Active", "+1415", new string('s', 201)),
            Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture)),
            Gen.String[0, 10].Select(Uri.EscapeDataString));
        var valid = Gen.OneOf("1", "2", "50", "200", "", "active", "scheduled", "queued", "done", "a");
        return Gen.Select(Gen.Int[0, 1000].Array[0, 4], Gen.Frequency((1, value), (1, valid)).Array[4], (picks, values) =>
            string.Join('&', picks.Select((k, i) => $"{keys[k % keys.Length]}={values[i]}")));
    }

    /// <summary>A CSV file: header cells (phone columns among them, or not), rows of odd cells, one of three separators.</summary>
    public static readonly Gen<string> Csv = Gen.Select(
        Gen.OneOf(Gen.OneOf("phone_number", "phone", "Mobile", "name", "email", "company", "country", "time_zone", "last_interaction", "notes", "phone_number", ""),
            Gen.String[0, 8]).Array[1, 6],
        Gen.OneOf(Gen.OneOf("", "+14155550142", "+14155550143", "+14155550144", "+442079460958", "12", "9.19E+11", "\"", "\"a\"\"b\"", "a,b", "=1+1", "@x",
                new string('z', 3000), "GB", "IN", "ZZ", "020 7946 0958", "2026-13-45", "Europe/London", "Mars/Olympus"),
            Gen.String[0, 12]).Array[0, 6].Array[0, 8],
        Gen.OneOf(",", ";", "\t"),
        Gen.Int[0, 9],
        (heads, rows, separator, shape) =>
        {
            var text = string.Join(separator, heads) + "\n" + string.Join("\n", rows.Select(r => string.Join(separator, r)));
            return shape switch
            {
                0 => "",
                3 or 4 => $"name,phone_number\nAsha,+1628555{(text.Length * 31 + rows.Length) % 10000:D4}\n" + string.Join("\n", rows.Select(r => string.Join(',', r))), // a good row first
                1 => "\uFEFF" + text.Replace("\n", "\r\n", StringComparison.Ordinal),
                2 => "\"unterminated," + text,
                _ => text,
            };
        });

    /// <summary>Form fields of an import, each replaced by an odd value now and then.</summary>
    public static readonly Gen<(string Name, string Value)[]> ImportFields = Gen.Select(
        Gen.OneOf("agentId", "firstCallTime", "lastCallTime", "timeZone", "startDate", "endDate", "pacing", "name", "description", "nextAction",
            "retry", "retry.maxAttempts", "retry.delayMinutes", "retry.on", "windowZone"), OddText).Array[0, 3];

    /// <summary>How a multipart body is sent: well formed, or cut short, or without its boundary.</summary>
    public static readonly Gen<int> MultipartShape = Gen.Int[0, 9];

    /// <summary>A path segment where an id goes.</summary>
    public static readonly Gen<string> Id = Gen.OneOf(
        Gen.OneOf("0", "-1", "1", "abc", "9223372036854775807", "9223372036854775808", "99999999999999999999", "1.5", "%20", "1%00", "..", "%2F"),
        Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture)));
}
