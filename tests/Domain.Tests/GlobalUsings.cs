global using CallCampaigns.Domain.Calls;
global using CallCampaigns.Domain.Campaigns;
global using CallCampaigns.Domain.Concurrency;
global using CallCampaigns.Domain.Scheduling;
global using Xunit;
