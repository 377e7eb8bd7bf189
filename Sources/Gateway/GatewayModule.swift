/// The gateways: line protocol, HTTP callback, metrics, SMS dispatch (see issue 4).
public enum GatewayModule {}
