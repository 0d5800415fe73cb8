global using System.Text.Json.Nodes;
global using CallCampaigns.Integration.Tests.Infrastructure;
global using CallCampaigns.Testing;
global using Xunit;
