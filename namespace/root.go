package namespace

// Well-known NT paths of a machine's tree. Device objects are inserted by the kernel.
const (
	// DeviceDir is the directory where drivers put their device objects.
	DeviceDir = `\Device`
	// NamedPipeDevice is the named-pipe file system's device (\??\PIPE points at it).
	NamedPipeDevice = `\Device\NamedPipe`
	// MailslotDevice is the mailslot file system's device (\??\MAILSLOT points at it).
	MailslotDevice = `\Device\Mailslot`
	// MupDevice is the multiple UNC provider (\??\UNC points at it): remote names.
	MupDevice = `\Device\Mup`
	// GlobalDosDevices holds the machine's DOS device names (PIPE, MAILSLOT, UNC, ...).
	GlobalDosDevices = `\GLOBAL??`
	// DosDevices is the prefix RtlDosPathNameToNtPathName gives Win32 names.
	DosDevices = `\??`
	// GlobalBaseNamedObjects is where "Global\" kernel object names live.
	GlobalBaseNamedObjects = `\BaseNamedObjects`
	// SessionID is the session every winsim process runs in (the first interactive session).
	SessionID = 1
	// SessionBaseNamedObjects is where kernel32 creates named objects for session 1 and where
	// its "Local\" names live.
	SessionBaseNamedObjects = `\Sessions\1\BaseNamedObjects`
	// SessionLinks holds one link per session to that session's BaseNamedObjects.
	SessionLinks = `\Sessions\BNOLINKS`
)

// NewRoot builds a machine's standard object tree, the part of Windows' namespace that
// named pipes, mailslots and kernel32's named objects go through (compare WinObj):
//
//	\Device                                 directory; the kernel adds NamedPipe, Mailslot, Mup
//	\GLOBAL??                               directory of DOS device names
//	\GLOBAL??\PIPE      -> \Device\NamedPipe
//	\GLOBAL??\MAILSLOT  -> \Device\Mailslot
//	\GLOBAL??\UNC       -> \Device\Mup
//	\GLOBAL??\GLOBALROOT -> ""              the root itself (\\?\GLOBALROOT\Device\...)
//	\GLOBAL??\Global    -> \GLOBAL??
//	\??                 -> \GLOBAL??        a link here; a per-logon device map on Windows
//	\DosDevices         -> \??
//	\BaseNamedObjects                       session 0 and "Global\" objects
//	\BaseNamedObjects\Global  -> \BaseNamedObjects
//	\BaseNamedObjects\Local   -> \BaseNamedObjects
//	\BaseNamedObjects\Session -> \Sessions\BNOLINKS
//	\Sessions\BNOLINKS\0 -> \BaseNamedObjects
//	\Sessions\BNOLINKS\1 -> \Sessions\1\BaseNamedObjects
//	\Sessions\1\BaseNamedObjects            kernel32's named objects in session 1
//	\Sessions\1\BaseNamedObjects\Global  -> \BaseNamedObjects
//	\Sessions\1\BaseNamedObjects\Local   -> \Sessions\1\BaseNamedObjects
//	\Sessions\1\BaseNamedObjects\Session -> \Sessions\BNOLINKS
//
// Sources: ntdll/tests/om.c (test_directory opens \BaseNamedObjects\Local as a link;
// get_base_dir reaches a session's directory through \BaseNamedObjects\Session\<id>;
// test_query_object names a kernel32 event \Sessions\<id>\BaseNamedObjects\<name>, a pipe
// \Device\NamedPipe\<name> and a mailslot \Device\Mailslot\<name>) and the "Kernel object
// namespaces" page of the Win32 docs (Global\, Local\ and Session\ prefixes).
func NewRoot() *Directory {
	root := NewDirectory()
	mkdir := func(path string) {
		if _, err := root.Mkdir(path); err != nil {
			panic("namespace: NewRoot: " + err.Error()) // a bug in the table below
		}
	}
	link := func(path, target string) {
		if _, err := root.Insert(path, NewSymlink(target)); err != nil {
			panic("namespace: NewRoot: " + err.Error())
		}
	}
	mkdir(DeviceDir)
	mkdir(GlobalDosDevices)
	link(GlobalDosDevices+`\PIPE`, NamedPipeDevice)
	link(GlobalDosDevices+`\MAILSLOT`, MailslotDevice)
	link(GlobalDosDevices+`\UNC`, MupDevice)
	link(GlobalDosDevices+`\GLOBALROOT`, "")
	link(GlobalDosDevices+`\Global`, GlobalDosDevices)
	link(DosDevices, GlobalDosDevices)
	link(`\DosDevices`, DosDevices)
	mkdir(GlobalBaseNamedObjects)
	link(GlobalBaseNamedObjects+`\Global`, GlobalBaseNamedObjects)
	link(GlobalBaseNamedObjects+`\Local`, GlobalBaseNamedObjects)
	link(GlobalBaseNamedObjects+`\Session`, SessionLinks)
	mkdir(`\Sessions`)
	mkdir(SessionLinks)
	link(SessionLinks+`\0`, GlobalBaseNamedObjects)
	link(SessionLinks+`\1`, SessionBaseNamedObjects)
	mkdir(`\Sessions\1`)
	mkdir(SessionBaseNamedObjects)
	link(SessionBaseNamedObjects+`\Global`, GlobalBaseNamedObjects)
	link(SessionBaseNamedObjects+`\Local`, SessionBaseNamedObjects)
	link(SessionBaseNamedObjects+`\Session`, SessionLinks)
	return root
}
