/// Off-net transfers through the other provider (see issue 5).
public enum ProviderBridgeModule {}
