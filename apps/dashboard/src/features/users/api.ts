import type { Role, UserView } from '@bulkhead/contracts';
import { api } from '../../api/client';
import { paths } from '../../api/paths';

export const fetchUsers = (signal?: AbortSignal) => api.get<UserView[]>(paths.users, signal);
export const createUser = (body: { username: string; password: string; role: Role }) => api.post<UserView>(paths.users, body);
export const disableUser = (id: string) => api.post<UserView>(paths.userDisable(id), {});
