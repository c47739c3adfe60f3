import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AnyRole, Roles } from '../../access/roles.decorator';
import { ApiPage, Page, PageQueryDto } from '../../common/pagination';
import { ParseIdPipe } from '../../common/validation';
import { ContactDto, CreateContactDto, UpdateContactDto } from './contact.dto';
import { ContactService } from './contact.service';

const CUSTOMER_ID = new ParseIdPipe('Customer');
const CONTACT_ID = new ParseIdPipe('Contact');

/** Contacts live under their customer: `/customers/{id}/contacts/{contactId}` for every operation. */
@ApiTags('contacts')
@Controller('customers/:id/contacts')
export class ContactController {
  constructor(private readonly contacts: ContactService) {}

  /** The customer's contacts in creation order. Unknown customer: 404. */
  @Get()
  @AnyRole()
  @ApiPage(ContactDto)
  list(
    @Param('id', CUSTOMER_ID) customerId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<ContactDto>> {
    return this.contacts.list(customerId, query);
  }

  /** Adds a contact; `isPrimary: true` demotes the customer's current primary contact. */
  @Post()
  @Roles('sales')
  create(
    @Param('id', CUSTOMER_ID) customerId: string,
    @Body() body: CreateContactDto,
  ): Promise<ContactDto> {
    return this.contacts.create(customerId, body);
  }

  /** Changes the fields given (`PATCH /customers/{id}/contacts/{contactId}`). Honours If-Match. */
  @Patch(':contactId')
  @Roles('sales')
  update(
    @Param('id', CUSTOMER_ID) customerId: string,
    @Param('contactId', CONTACT_ID) contactId: string,
    @Body() body: UpdateContactDto,
    @Headers('if-match') ifMatch?: string,
  ): Promise<ContactDto> {
    return this.contacts.update(customerId, contactId, body, ifMatch);
  }

  /** Removes a contact (`DELETE /customers/{id}/contacts/{contactId}`). Honours If-Match. */
  @Delete(':contactId')
  @Roles('sales')
  @HttpCode(204)
  async remove(
    @Param('id', CUSTOMER_ID) customerId: string,
    @Param('contactId', CONTACT_ID) contactId: string,
    @Headers('if-match') ifMatch?: string,
  ): Promise<void> {
    await this.contacts.remove(customerId, contactId, ifMatch);
  }
}
