/// The command_status of an SMPP 3.4 response (section 5.1.3), an open enumeration: the spec's values are named
/// constants, and any other value (vendor-specific 0x400–0x4FF, reserved ranges) decodes unchanged.
///
/// `specName` gives the spec's identifier (`ESME_RINVPASWD`); `description` adds the hex value.
public struct CommandStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// ESME_ROK: no error.
    public static let ok = CommandStatus(rawValue: 0x00)
    /// ESME_RINVMSGLEN: message length is invalid (sm_length, or a body shorter than its mandatory fields).
    public static let invalidMessageLength = CommandStatus(rawValue: 0x01)
    /// ESME_RINVCMDLEN: command length is invalid.
    public static let invalidCommandLength = CommandStatus(rawValue: 0x02)
    /// ESME_RINVCMDID: invalid command id.
    public static let invalidCommandID = CommandStatus(rawValue: 0x03)
    /// ESME_RINVBNDSTS: incorrect bind status for the given command.
    public static let incorrectBindStatus = CommandStatus(rawValue: 0x04)
    /// ESME_RALYBND: ESME already in bound state.
    public static let alreadyBound = CommandStatus(rawValue: 0x05)
    /// ESME_RINVPRTFLG: invalid priority flag.
    public static let invalidPriorityFlag = CommandStatus(rawValue: 0x06)
    /// ESME_RINVREGDLVFLG: invalid registered delivery flag.
    public static let invalidRegisteredDeliveryFlag = CommandStatus(rawValue: 0x07)
    /// ESME_RSYSERR: system error.
    public static let systemError = CommandStatus(rawValue: 0x08)
    /// ESME_RINVSRCADR: invalid source address.
    public static let invalidSourceAddress = CommandStatus(rawValue: 0x0A)
    /// ESME_RINVDSTADR: invalid destination address.
    public static let invalidDestinationAddress = CommandStatus(rawValue: 0x0B)
    /// ESME_RINVMSGID: message id is invalid.
    public static let invalidMessageID = CommandStatus(rawValue: 0x0C)
    /// ESME_RBINDFAIL: bind failed.
    public static let bindFailed = CommandStatus(rawValue: 0x0D)
    /// ESME_RINVPASWD: invalid password.
    public static let invalidPassword = CommandStatus(rawValue: 0x0E)
    /// ESME_RINVSYSID: invalid system id.
    public static let invalidSystemID = CommandStatus(rawValue: 0x0F)
    /// ESME_RCANCELFAIL: cancel_sm failed.
    public static let cancelFailed = CommandStatus(rawValue: 0x11)
    /// ESME_RREPLACEFAIL: replace_sm failed.
    public static let replaceFailed = CommandStatus(rawValue: 0x13)
    /// ESME_RMSGQFUL: message queue full.
    public static let messageQueueFull = CommandStatus(rawValue: 0x14)
    /// ESME_RINVSERTYP: invalid service type.
    public static let invalidServiceType = CommandStatus(rawValue: 0x15)
    /// ESME_RINVNUMDESTS: invalid number of destinations.
    public static let invalidNumberOfDestinations = CommandStatus(rawValue: 0x33)
    /// ESME_RINVDLNAME: invalid distribution list name.
    public static let invalidDistributionListName = CommandStatus(rawValue: 0x34)
    /// ESME_RINVDESTFLAG: destination flag is invalid (submit_multi).
    public static let invalidDestinationFlag = CommandStatus(rawValue: 0x40)
    /// ESME_RINVSUBREP: invalid "submit with replace" request.
    public static let invalidSubmitWithReplace = CommandStatus(rawValue: 0x42)
    /// ESME_RINVESMCLASS: invalid esm_class field data.
    public static let invalidESMClass = CommandStatus(rawValue: 0x43)
    /// ESME_RCNTSUBDL: cannot submit to distribution list.
    public static let cannotSubmitToDistributionList = CommandStatus(rawValue: 0x44)
    /// ESME_RSUBMITFAIL: submit_sm or submit_multi failed.
    public static let submitFailed = CommandStatus(rawValue: 0x45)
    /// ESME_RINVSRCTON: invalid source address TON.
    public static let invalidSourceTON = CommandStatus(rawValue: 0x48)
    /// ESME_RINVSRCNPI: invalid source address NPI.
    public static let invalidSourceNPI = CommandStatus(rawValue: 0x49)
    /// ESME_RINVDSTTON: invalid destination address TON.
    public static let invalidDestinationTON = CommandStatus(rawValue: 0x50)
    /// ESME_RINVDSTNPI: invalid destination address NPI.
    public static let invalidDestinationNPI = CommandStatus(rawValue: 0x51)
    /// ESME_RINVSYSTYP: invalid system_type field.
    public static let invalidSystemType = CommandStatus(rawValue: 0x53)
    /// ESME_RINVREPFLAG: invalid replace_if_present flag.
    public static let invalidReplaceIfPresentFlag = CommandStatus(rawValue: 0x54)
    /// ESME_RINVNUMMSGS: invalid number of messages.
    public static let invalidNumberOfMessages = CommandStatus(rawValue: 0x55)
    /// ESME_RTHROTTLED: throttling error (the ESME exceeded its allowed message rate).
    public static let throttled = CommandStatus(rawValue: 0x58)
    /// ESME_RINVSCHED: invalid scheduled delivery time.
    public static let invalidScheduledDeliveryTime = CommandStatus(rawValue: 0x61)
    /// ESME_RINVEXPIRY: invalid message validity period.
    public static let invalidExpiry = CommandStatus(rawValue: 0x62)
    /// ESME_RINVDFTMSGID: predefined message invalid or not found.
    public static let invalidDefaultMessageID = CommandStatus(rawValue: 0x63)
    /// ESME_RX_T_APPN: ESME receiver temporary application error.
    public static let receiverTemporaryAppError = CommandStatus(rawValue: 0x64)
    /// ESME_RX_P_APPN: ESME receiver permanent application error.
    public static let receiverPermanentAppError = CommandStatus(rawValue: 0x65)
    /// ESME_RX_R_APPN: ESME receiver reject message error.
    public static let receiverRejectMessage = CommandStatus(rawValue: 0x66)
    /// ESME_RQUERYFAIL: query_sm request failed.
    public static let queryFailed = CommandStatus(rawValue: 0x67)
    /// ESME_RINVOPTPARSTREAM: error in the optional part of the PDU body (SMPP 5.0 calls it ESME_RINVTLVSTREAM).
    public static let invalidOptionalParameterStream = CommandStatus(rawValue: 0xC0)
    /// ESME_ROPTPARNOTALLWD: optional parameter not allowed.
    public static let optionalParameterNotAllowed = CommandStatus(rawValue: 0xC1)
    /// ESME_RINVPARLEN: invalid parameter length.
    public static let invalidParameterLength = CommandStatus(rawValue: 0xC2)
    /// ESME_RMISSINGOPTPARAM: expected optional parameter missing.
    public static let missingOptionalParameter = CommandStatus(rawValue: 0xC3)
    /// ESME_RINVOPTPARAMVAL: invalid optional parameter value.
    public static let invalidOptionalParameterValue = CommandStatus(rawValue: 0xC4)
    /// ESME_RDELIVERYFAILURE: delivery failure (data_sm_resp).
    public static let deliveryFailure = CommandStatus(rawValue: 0xFE)
    /// ESME_RUNKNOWNERR: unknown error.
    public static let unknownError = CommandStatus(rawValue: 0xFF)

    /// The statuses the SMPP 3.4 specification names, with their identifiers.
    public static let specNames: [CommandStatus: String] = [
        .ok: "ESME_ROK", .invalidMessageLength: "ESME_RINVMSGLEN", .invalidCommandLength: "ESME_RINVCMDLEN",
        .invalidCommandID: "ESME_RINVCMDID", .incorrectBindStatus: "ESME_RINVBNDSTS", .alreadyBound: "ESME_RALYBND",
        .invalidPriorityFlag: "ESME_RINVPRTFLG", .invalidRegisteredDeliveryFlag: "ESME_RINVREGDLVFLG",
        .systemError: "ESME_RSYSERR", .invalidSourceAddress: "ESME_RINVSRCADR", .invalidDestinationAddress: "ESME_RINVDSTADR",
        .invalidMessageID: "ESME_RINVMSGID", .bindFailed: "ESME_RBINDFAIL", .invalidPassword: "ESME_RINVPASWD",
        .invalidSystemID: "ESME_RINVSYSID", .cancelFailed: "ESME_RCANCELFAIL", .replaceFailed: "ESME_RREPLACEFAIL",
        .messageQueueFull: "ESME_RMSGQFUL", .invalidServiceType: "ESME_RINVSERTYP",
        .invalidNumberOfDestinations: "ESME_RINVNUMDESTS", .invalidDistributionListName: "ESME_RINVDLNAME",
        .invalidDestinationFlag: "ESME_RINVDESTFLAG", .invalidSubmitWithReplace: "ESME_RINVSUBREP",
        .invalidESMClass: "ESME_RINVESMCLASS", .cannotSubmitToDistributionList: "ESME_RCNTSUBDL",
        .submitFailed: "ESME_RSUBMITFAIL", .invalidSourceTON: "ESME_RINVSRCTON", .invalidSourceNPI: "ESME_RINVSRCNPI",
        .invalidDestinationTON: "ESME_RINVDSTTON", .invalidDestinationNPI: "ESME_RINVDSTNPI",
        .invalidSystemType: "ESME_RINVSYSTYP", .invalidReplaceIfPresentFlag: "ESME_RINVREPFLAG",
        .invalidNumberOfMessages: "ESME_RINVNUMMSGS", .throttled: "ESME_RTHROTTLED",
        .invalidScheduledDeliveryTime: "ESME_RINVSCHED", .invalidExpiry: "ESME_RINVEXPIRY",
        .invalidDefaultMessageID: "ESME_RINVDFTMSGID", .receiverTemporaryAppError: "ESME_RX_T_APPN",
        .receiverPermanentAppError: "ESME_RX_P_APPN", .receiverRejectMessage: "ESME_RX_R_APPN",
        .queryFailed: "ESME_RQUERYFAIL", .invalidOptionalParameterStream: "ESME_RINVOPTPARSTREAM",
        .optionalParameterNotAllowed: "ESME_ROPTPARNOTALLWD", .invalidParameterLength: "ESME_RINVPARLEN",
        .missingOptionalParameter: "ESME_RMISSINGOPTPARAM", .invalidOptionalParameterValue: "ESME_RINVOPTPARAMVAL",
        .deliveryFailure: "ESME_RDELIVERYFAILURE", .unknownError: "ESME_RUNKNOWNERR",
    ]

    /// The spec's identifier (`ESME_RTHROTTLED`), or nil for a value the spec does not name.
    public var specName: String? { Self.specNames[self] }

    public var description: String {
        let hex = "0x" + String(rawValue, radix: 16, uppercase: true)
        return specName.map { "\($0) (\(hex))" } ?? hex
    }
}
