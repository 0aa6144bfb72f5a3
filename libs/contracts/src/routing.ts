/** `routing.resolve-department`: a department by id or by name, as rooms stores it on a visitor. */
export interface ResolveDepartmentCommand {
  department: string;
}

export interface ResolveDepartmentReply {
  departmentId: string | null;
}
