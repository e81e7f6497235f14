package namespace

// device stands in for a kernel device object: any value that is neither a *Directory nor
// a *Symlink.
type device struct{ name string }
