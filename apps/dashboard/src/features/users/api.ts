import { type Role, routes } from '@bulkhead/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { tokenKeys } from '../tokens/keys';
import { userKeys } from './keys';

export const useUsers = () => useQuery({ queryKey: userKeys.all, queryFn: ({ signal }) => api.call(routes.listUsers, { signal }) });

/** Adding, changing or removing someone changes the list of users, which shows again once read. */
function useUserChange<V, R>(change: (variables: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: change, onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.all }) });
}

export const useCreateUser = () =>
  useUserChange((body: { username: string; password: string; role: Role }) => api.call(routes.createUser, { body }));
export const useDisableUser = () => useUserChange((userId: string) => api.call(routes.disableUser, { params: { userId } }));
export const useChangeRole = () =>
  useUserChange(({ userId, role }: { userId: string; role: Role }) => api.call(routes.changeRole, { params: { userId }, body: { role } }));
export const useResetPassword = () => useUserChange((userId: string) => api.call(routes.resetPassword, { params: { userId } }));
/** Their tokens go with them, so the token list is read again too. */
export const useRemoveUser = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => api.call(routes.removeUser, { params: { userId } }),
    onSuccess: () => Promise.all([userKeys.all, tokenKeys.all].map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
  });
};
