using System.Globalization;
using System.Text.Json.Nodes;
using CallCampaigns.Domain.Calls;

namespace CallCampaigns.Bolna;

/// <summary>
/// One simulated call's life, a pure function of its execution id: which way it goes and when each webhook is due.
/// The dial time is written into the id, so the simulator can answer a look-up after a restart without storage.
/// </summary>
public sealed record SimulatedCall(string ExecutionId, string AgentId, string PhoneNumber, DateTimeOffset DialledAt, IReadOnlyList<SimulatedCall.Step> Steps)
{
    /// <summary>A webhook due <see cref="After"/> the dial (in real time), carrying <see cref="Body"/>.</summary>
    public sealed record Step(TimeSpan After, string Status, JsonObject Body);

    private const string Prefix = "sim-";

    public static string NewExecutionId(DateTimeOffset dialledAt) =>
        $"{Prefix}{dialledAt.ToUnixTimeMilliseconds():x}-{Guid.NewGuid():N}";

    public static bool TryReadDialTime(string executionId, out DateTimeOffset dialledAt)
    {
        dialledAt = default;
        if (!executionId.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var end = executionId.IndexOf('-', Prefix.Length);
        if (end < 0 || !long.TryParse(executionId.AsSpan(Prefix.Length, end - Prefix.Length), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var ms))
        {
            return false;
        }

        dialledAt = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return true;
    }

    public static SimulatedCall Plan(string executionId, string agentId, string phoneNumber, DateTimeOffset dialledAt, SimulatorOptions options)
    {
        var random = new Random(StableHash(executionId) ^ options.Seed);
        var speed = Math.Max(options.SpeedFactor, 0.001);
        var steps = new List<Step>();
        var at = 0.0;

        void Add(double simulatedSeconds, string status, Action<JsonObject>? fill = null)
        {
            at += simulatedSeconds;
            var updatedAt = dialledAt + TimeSpan.FromSeconds(at / speed);
            var body = new JsonObject
            {
                ["id"] = executionId,
                ["agent_id"] = agentId,
                ["status"] = status,
                ["created_at"] = Iso(dialledAt),
                ["updated_at"] = Iso(updatedAt),
                ["conversation_duration"] = 0,
                ["total_cost"] = 0,
                ["telephony_data"] = new JsonObject
                {
                    ["to_number"] = phoneNumber,
                    ["duration"] = "0",
                    ["recording_url"] = "",
                    ["provider"] = "simulator",
                },
                ["context_details"] = new JsonObject { ["recipient_phone_number"] = phoneNumber },
            };
            fill?.Invoke(body);
            steps.Add(new Step(TimeSpan.FromSeconds(at / speed), status, body));
        }

        Add(0.5, "initiated");
        Add(1.5, "ringing");
        var roll = random.NextDouble();
        if (roll < options.AnswerRate)
        {
            var talk = Math.Round(Math.Max(5, options.MeanCallSeconds * (0.4 + (1.2 * random.NextDouble()))), 1);
            Add(2 + (4 * random.NextDouble()), CallStatus.InProgress);
            Add(talk, CallStatus.CallDisconnected, body => body["transcript"] = Transcript(phoneNumber));
            Add(3, CallStatus.Completed, body =>
            {
                body["conversation_duration"] = talk;
                body["total_cost"] = Math.Round(talk / 60 * options.CentsPerMinute, 2);
                body["transcript"] = Transcript(phoneNumber);
                body["summary"] = "The contact listened to the offer and asked for a follow-up email.";
                var telephony = body["telephony_data"]!.AsObject();
                telephony["duration"] = ((int)Math.Ceiling(talk + 4)).ToString(CultureInfo.InvariantCulture);
                telephony["recording_url"] = $"https://recordings.simulator.invalid/{executionId}.mp3";
                telephony["hangup_by"] = "Callee";
                telephony["hangup_reason"] = "Call recipient hungup";
            });
        }
        else
        {
            var unanswered = (roll - options.AnswerRate) / Math.Max(1 - options.AnswerRate, 1e-9);
            if (unanswered < options.FailedShare)
            {
                Add(1, "failed", body => body["error_message"] = "Simulated carrier error");
            }
            else if (unanswered < options.FailedShare + options.BusyShare)
            {
                Add(4, "busy", body => body["telephony_data"]!.AsObject()["hangup_reason"] = "Busy");
            }
            else
            {
                Add(25, "no-answer", body => body["telephony_data"]!.AsObject()["hangup_reason"] = "No answer");
            }
        }

        return new SimulatedCall(executionId, agentId, phoneNumber, dialledAt, steps);
    }

    private static string Transcript(string phoneNumber) =>
        $"assistant: Hello, this is the campaign assistant calling {phoneNumber}.\nuser: Hi, yes?\nassistant: Thanks for your time today.";

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static int StableHash(string text)
    {
        unchecked
        {
            var hash = (int)2166136261;
            foreach (var c in text) hash = (hash ^ c) * 16777619;
            return hash;
        }
    }
}
