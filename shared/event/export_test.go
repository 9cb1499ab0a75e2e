package event

// SetAfterPublishUpdate lets the external tests inject a failure inside the
// publish transaction.
func SetAfterPublishUpdate(s *Service, f func() error) { s.afterPublishUpdate = f }
