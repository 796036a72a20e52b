package netserver

// Agents are the 59 agents of Services88, as SuperOffice's reference lists
// them: what `conform run --agents all` means against an install.
var Agents = []string{
	"AI", "Appointment", "Archive", "Associate", "BLOB", "Batch", "BlobManager", "BulkUpdate", "CRMScript", "Chat",
	"Configuration", "Contact", "CustomObject", "CustomerService", "Dash", "Database", "DatabaseTable", "Diagnostics",
	"Document", "DocumentMigration", "EMail", "ErpSync", "Favourite", "FileManager", "Find", "ForeignSystem", "FreeText",
	"Import", "License", "List", "MDO", "Marketing", "Messaging", "Navigator", "NumberAllocation", "Person", "PhoneList",
	"Pocket", "Preference", "Previews", "Project", "Quote", "Relation", "Report", "Resource", "Saint", "Sale",
	"Selection", "Sentry", "SoPrincipal", "Targets", "Ticket", "TimeZone", "Tooltips", "User", "UserDefinedFieldInfo",
	"ViewState", "Webhook", "Workflow",
}
