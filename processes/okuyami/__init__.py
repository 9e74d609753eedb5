"""The bereavement-corner process: wards, catalogue, booking, interview, service-task handlers."""
