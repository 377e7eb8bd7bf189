/// USSD over SMPP, the common field mapping (docs/SMPP.md): service_type `USSD`, the operation in
/// ussd_service_op, the dialogue in its_session_info, the screen text in short_message (message_payload when longer
/// than 254 octets).
public enum USSD {
    /// The service_type that marks USSD traffic.
    public static let serviceType = "USSD"
}
