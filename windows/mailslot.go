package windows

import (
	"github.com/winsim/winsim/kernel"
	"github.com/winsim/winsim/mailslot"
)

// This file holds the mailslot functions, onto package mailslot. x/sys/windows has none of them;
// their signatures are what mksyscall would give the Win32 prototypes.

// CreateMailslot creates the mailslot name (\\.\mailslot\x) and returns its server (read) handle
// (CreateMailslotW). maxMessageSize 0 allows any size; readTimeout is how long ReadFile waits for a
// message, in milliseconds (MAILSLOT_WAIT_FOREVER: no limit). On failure it returns InvalidHandle
// and the error.
func (c *Caller) CreateMailslot(name *uint16, maxMessageSize uint32, readTimeout uint32, sa *SecurityAttributes) (handle Handle, err error) {
	p, _ := c.proc()
	h, err := mailslot.CreateMailslot(p, UTF16PtrToString(name), maxMessageSize, readTimeout, sa.toKernel())
	if err != nil {
		return InvalidHandle, errnoOf(err)
	}
	return Handle(h), nil
}

// GetMailslotInfo stores the mailslot's maximum message size, the size of its next message
// (MAILSLOT_NO_MESSAGE when none waits), how many messages wait and its read timeout
// (GetMailslotInfo). Each out-parameter may be nil.
func (c *Caller) GetMailslotInfo(mailslotHandle Handle, maxMessageSize *uint32, nextSize *uint32, messageCount *uint32, readTimeout *uint32) (err error) {
	p, _ := c.proc()
	info, err := mailslot.GetMailslotInfo(p, kernel.Handle(mailslotHandle))
	if err != nil {
		return errnoOf(err)
	}
	store(maxMessageSize, info.MaxMessageSize)
	store(nextSize, info.NextSize)
	store(messageCount, info.MessageCount)
	store(readTimeout, info.ReadTimeout)
	return nil
}

// SetMailslotInfo sets the mailslot's read timeout in milliseconds (SetMailslotInfo).
func (c *Caller) SetMailslotInfo(mailslotHandle Handle, readTimeout uint32) (err error) {
	p, _ := c.proc()
	return errnoOf(mailslot.SetMailslotInfo(p, kernel.Handle(mailslotHandle), readTimeout))
}
